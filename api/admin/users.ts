import { users } from "../../lib/routes/users.js";
import { served } from "../../lib/routes/route.js";

export default served(users);
