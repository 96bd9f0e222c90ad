import { jwks } from "../lib/routes/jwks.js";
import { served } from "../lib/routes/route.js";

export default served(jwks);
