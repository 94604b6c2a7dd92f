// The Worker entry point.
import { createApp } from "./app";

export { createApp };
export default createApp();
