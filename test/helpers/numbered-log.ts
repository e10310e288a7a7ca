// Reads back a log of numbered lines ("seq=<n> xxx…", 100 bytes each, as test/bench/numbered-writer
// and test/fixtures/apps/log-burst.js write them) after daemon crashes, and counts what the crashes
// did: numbers missing, lines cut short and marked by the next daemon, and lines glued together.
import fs from 'node:fs';

export interface NumberedLogCounts {
  /** Lines in the file, markers included. */
  lines: number;
  /** Numbers between the first and the last seen that appear nowhere whole in the file. */
  lost: number;
  /** Runs of consecutive lost numbers: one per crash that lost lines. */
  gaps: number;
  maxGap: number;
  /** Lines cut short and followed by the daemon's marker line. */
  cut: number;
  /** Of those, lines whose rest came after the marker with no byte missing between. */
  rejoined: number;
  /**
   * Parts of lines with no marker: the rest of a line whose start was lost with the read in flight
   * (the file had ended whole), or a start ended as it was.
   */
  fragments: number;
  /** Lines that are neither whole app lines nor explained by a marker or a lost start: glued lines. */
  merged: number;
  duplicated: number;
  markers: number;
}

const TIME_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
const WHOLE = /^seq=(\d+) x+$/;
const NUMBERS = /seq=(\d+) x/g;
/** The start of a whole line, up to anywhere before its end. */
const LINE_START = /^(?:s(?:e(?:q(?:=\d*(?: x*)?)?)?)?)?$/;
/** The end of a whole line, from anywhere after its first byte. */
const LINE_END = /^(?:(?:(?:e?q)?=)?\d* )?x*$/;
/** The app's lines are 100 bytes with their newline. */
const LINE_LENGTH = 99;
export const MARKER_TEXT = '[pm] daemon restarted';

/** The line's number when it is a whole app line. */
function wholeNumber(text: string): number | null {
  const match = text.length === LINE_LENGTH ? WHOLE.exec(text) : null;
  return match ? Number(match[1]) : null;
}

// Fed line by line: what a broken line is depends on the lines around it.
class NumberedLogReader {
  readonly counts: NumberedLogCounts = {
    lines: 0,
    lost: 0,
    gaps: 0,
    maxGap: 0,
    cut: 0,
    rejoined: 0,
    fragments: 0,
    merged: 0,
    duplicated: 0,
    markers: 0,
  };
  private seen = new Uint8Array(1 << 20);
  private first = Number.POSITIVE_INFINITY;
  private last = -1;
  /** A broken line not explained yet: a marker right after it would. */
  private pending: string | null = null;
  /** The start of a line a marker followed, until its rest is seen. */
  private cutStart: string | null = null;
  private afterMarker = false;

  take(raw: string): void {
    this.counts.lines++;
    const text = raw.replace(TIME_PREFIX, '');
    const isMarker = text.startsWith(MARKER_TEXT);
    if (this.pending !== null) {
      if (isMarker) {
        this.cutStart = this.pending;
        this.counts.cut++;
      } else this.unexplained(this.pending);
      this.pending = null;
    }
    if (isMarker) this.counts.markers++;
    else this.takeLine(text);
    this.afterMarker = isMarker;
  }

  /** After the last line; the numbers counted. */
  finish(): NumberedLogCounts {
    // A broken last line with no marker is the app's own, unfinished when it stopped: not counted.
    for (const text of [this.pending, this.cutStart]) if (text !== null) this.seeAll(text);
    let run = 0;
    for (let n = this.first; n <= this.last; n++) {
      if (this.seen[n]) {
        run = 0;
        continue;
      }
      this.counts.lost++;
      if (run++ === 0) this.counts.gaps++;
      this.counts.maxGap = Math.max(this.counts.maxGap, run);
    }
    return this.counts;
  }

  private takeLine(text: string): void {
    const n = wholeNumber(text);
    if (this.afterMarker && this.cutStart !== null && n === null) {
      // The rest of the cut line, read from the pipe by the next daemon.
      const rejoined = wholeNumber(this.cutStart + text);
      if (rejoined !== null) {
        this.counts.rejoined++;
        this.see(rejoined);
      } else {
        this.seeAll(this.cutStart);
        this.seeAll(text);
      }
      this.cutStart = null;
      return;
    }
    if (this.cutStart !== null) this.seeAll(this.cutStart); // its rest was lost
    this.cutStart = null;
    if (n !== null) this.see(n);
    else if (this.afterMarker)
      this.seeAll(text); // the rest of a line that only missed its newline
    else this.pending = text;
  }

  private unexplained(text: string): void {
    if (text.length < LINE_LENGTH && (LINE_START.test(text) || LINE_END.test(text))) this.counts.fragments++;
    else this.counts.merged++;
    this.seeAll(text);
  }

  private seeAll(text: string): void {
    for (const match of text.matchAll(NUMBERS)) this.see(Number(match[1]));
  }

  private see(n: number): void {
    if (n >= this.seen.length) {
      const grown = new Uint8Array(Math.max(this.seen.length * 2, n + 1));
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[n]) this.counts.duplicated++;
    this.seen[n] = 1;
    this.first = Math.min(this.first, n);
    this.last = Math.max(this.last, n);
  }
}

/** Counts per file, reading it in blocks (a full-speed run writes hundreds of megabytes). */
export function classifyNumberedLog(file: string): NumberedLogCounts {
  const reader = new NumberedLogReader();
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let rest = '';
  try {
    for (let got = fs.readSync(fd, buffer); got > 0; got = fs.readSync(fd, buffer)) {
      const parts = (rest + buffer.toString('latin1', 0, got)).split('\n');
      rest = parts.pop()!;
      for (const line of parts) reader.take(line);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (rest) reader.take(rest);
  return reader.finish();
}
