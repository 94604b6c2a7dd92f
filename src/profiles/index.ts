// The compatibility profiles (DESIGN.md §8), one route group per seed in shared/seeds/.
export { cookieSessionRoutes } from "./cookie-session";
export { simpleJwtRoutes } from "./simplejwt";
export { bearerApiRoutes } from "./bearer-api";
export { v1ApiRoutes } from "./v1-api";
export { sessionApiRoutes } from "./session-api";
