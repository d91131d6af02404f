/**
 * The browser renderer's single WebSocket. The first message must authenticate (browsers cannot set
 * an Authorization header on a WebSocket); after that it carries the same requests and events as IPC.
 */
export const WS_PATH = '/v1/ws'

/** Close codes in the application range, so the client can tell "log in again" from "reconnect". */
export const WS_CLOSE_UNAUTHORIZED = 4401
export const WS_CLOSE_PROTOCOL = 4400
/** The client did not read what it asked for: more than the server will buffer for one socket. */
export const WS_CLOSE_SLOW_CONSUMER = 4408
/** Too many sockets for one token, or too many still waiting to authenticate. */
export const WS_CLOSE_TOO_MANY = 4429
