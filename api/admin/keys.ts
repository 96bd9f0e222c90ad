import { keysList } from "../../lib/routes/keys.js";
import { served } from "../../lib/routes/route.js";

export default served(keysList);
