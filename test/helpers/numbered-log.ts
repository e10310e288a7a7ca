// Reads back a log of numbered lines ("seq=<n> xxx…", 100 bytes each, as test/bench/numbered-writer
// and test/fixtures/apps/log-burst.js write them) after daemon crashes, and counts what the crashes
// did: numbers missing, lines cut short and marked by the next daemon, and lines glued together.
import fs from 'node:fs';

export interface NumberedLogCounts {
  /** Lines in the file, markers included. */
  lines: number;
  /** Numbers between the first and the last seen that appear nowhere in the file. */
  lost: number;
  /** Runs of consecutive lost numbers: one per crash that lost lines. */
  gaps: number;
  maxGap: number;
  /** Lines cut short and followed by the daemon's marker line. */
  cut: number;
  /** The rest of a line whose start was lost with the read in flight: its number counts as lost. */
  fragments: number;
  /** Lines that are neither whole app lines, nor explained by a marker or a lost start: glued lines. */
  merged: number;
  duplicated: number;
  markers: number;
}

const TIME_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
const WHOLE = /^seq=(\d+) x+$/;
const NUMBERS = /seq=(\d+) x/g;
/** The end of a whole line, from anywhere after its first byte. */
const LINE_END = /^(?:(?:(?:e?q)?=)?\d* )?x*$/;
/** The app's lines are 100 bytes with their newline. */
const LINE_LENGTH = 99;
export const MARKER_TEXT = '[pm] daemon restarted';

type Kind = 'whole' | 'marker' | 'broken';

/** Counts per file, reading it in blocks (a full-speed run writes hundreds of megabytes). */
export function classifyNumberedLog(file: string): NumberedLogCounts {
  const counts: NumberedLogCounts = {
    lines: 0,
    lost: 0,
    gaps: 0,
    maxGap: 0,
    cut: 0,
    fragments: 0,
    merged: 0,
    duplicated: 0,
    markers: 0,
  };
  let seen = new Uint8Array(1 << 20);
  let [first, last] = [Number.POSITIVE_INFINITY, -1];
  const see = (n: number) => {
    if (n >= seen.length) {
      const grown = new Uint8Array(Math.max(seen.length * 2, n + 1));
      grown.set(seen);
      seen = grown;
    }
    if (seen[n]) counts.duplicated++;
    seen[n] = 1;
    first = Math.min(first, n);
    last = Math.max(last, n);
  };
  let previous: Kind = 'whole';
  /** A broken line waits for the next one: a marker after it means a crash cut it. */
  let brokenAfterMarker: boolean | null = null;
  let pendingText = '';
  const countUnexplained = (text: string) => {
    if (text.length < LINE_LENGTH && LINE_END.test(text)) counts.fragments++;
    else counts.merged++;
  };
  const take = (raw: string) => {
    counts.lines++;
    const text = raw.replace(TIME_PREFIX, '');
    const whole = text.length === LINE_LENGTH ? WHOLE.exec(text) : null;
    const kind: Kind = whole ? 'whole' : text.startsWith(MARKER_TEXT) ? 'marker' : 'broken';
    if (brokenAfterMarker !== null) {
      // Cut by a crash (a marker follows), or the rest of a cut line (after the marker).
      if (kind === 'marker') counts.cut++;
      else if (!brokenAfterMarker) countUnexplained(pendingText);
      brokenAfterMarker = null;
    }
    if (kind === 'whole') see(Number(whole![1]));
    if (kind === 'marker') counts.markers++;
    if (kind === 'broken') {
      for (const match of text.matchAll(NUMBERS)) see(Number(match[1]));
      brokenAfterMarker = previous === 'marker';
      pendingText = text;
    }
    previous = kind;
  };
  forEachLine(file, take);
  // A broken last line with no marker is the app's own last line, unfinished when it stopped.
  let run = 0;
  for (let n = first; n <= last; n++) {
    if (seen[n]) {
      run = 0;
      continue;
    }
    counts.lost++;
    if (run++ === 0) counts.gaps++;
    counts.maxGap = Math.max(counts.maxGap, run);
  }
  return counts;
}

function forEachLine(file: string, take: (line: string) => void): void {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let rest = '';
  try {
    for (let got = fs.readSync(fd, buffer); got > 0; got = fs.readSync(fd, buffer)) {
      const parts = (rest + buffer.toString('latin1', 0, got)).split('\n');
      rest = parts.pop()!;
      for (const line of parts) take(line);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (rest) take(rest);
}
