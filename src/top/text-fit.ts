// Fixed-width cells: cut with an ellipsis, then pad, so that columns line up in every row.

export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text.padEnd(width, ' ');
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export function fitRight(text: string, width: number): string {
  if (width <= 0) return '';
  return [...text].length <= width ? text.padStart(width, ' ') : fit(text, width);
}

/** Control characters and ANSI sequences from an app's output would break the layout. */
export function printable(text: string): string {
  return text
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
    .replace(/\t/g, '  ');
}
