// Bumped on any incompatible change to messages.ts; checked in the hello handshake.
export const PROTOCOL_VERSION = 4;
