import { ready } from "../lib/routes/ready.js";
import { served } from "../lib/routes/route.js";

export default served(ready);
