// A unit file from its sections: `[Name]` then its lines (directives and `#` comments).

export interface UnitSections {
  /** Comments above the first section. */
  header: string[];
  sections: { name: string; lines: string[] }[];
}

export function renderUnit({ header, sections }: UnitSections): string {
  const blocks = sections
    .filter((section) => section.lines.length > 0)
    .map((section) => [`[${section.name}]`, ...section.lines].join('\n'));
  return `${[...header, ...blocks.flatMap((block, i) => (i === 0 ? [block] : ['', block]))].join('\n')}\n`;
}

/** A duration in the form systemd's time spans read: whole seconds when exact, else milliseconds. */
export const timeSpan = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
