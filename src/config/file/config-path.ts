/**
 * A config file wherever a script or target is expected: one word ending in .yaml/.yml/.json,
 * decided before any I/O. A command line that merely ends in such a word (`node app.js out.json`)
 * is a command.
 */
export function isConfigPath(text: string): boolean {
  return /^\S+\.(ya?ml|json)$/i.test(text);
}
