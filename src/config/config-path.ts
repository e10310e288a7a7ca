/** A config file wherever a script or target is expected: decided by the extension, before any I/O. */
export function isConfigPath(text: string): boolean {
  return /\.(ya?ml|json)$/i.test(text);
}
