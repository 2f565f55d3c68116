export interface SseEvent {
  /** `message` when the event had no `event:` field */
  event: string;
  data: string;
  /** the last event id in force when this event was dispatched (EventSource semantics) */
  lastEventId: string;
}

/**
 * Incremental text/event-stream parser following the HTML spec's rules (used by tests, benchmarks
 * and non-browser clients): feed it decoded chunks, get complete events back.
 */
export class SseParser {
  lastEventId = '';
  retry?: number;
  comments = 0;
  private buffer = '';
  private eventType = '';
  private data: string[] = [];

  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = this.findLineEnd(start);
      if (nl === -1) break;
      const line = this.buffer.slice(start, nl.at);
      start = nl.at + nl.length;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private findLineEnd(from: number): { at: number; length: number } | -1 {
    for (let i = from; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c === 10) return { at: i, length: 1 };
      if (c === 13) {
        // a trailing CR may be the first half of CRLF: wait for more input
        if (i + 1 >= this.buffer.length) return -1;
        return { at: i, length: this.buffer.charCodeAt(i + 1) === 10 ? 2 : 1 };
      }
    }
    return -1;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventType = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const type = this.eventType;
    this.eventType = '';
    if (this.data.length === 0) return undefined;
    const data = this.data.join('\n');
    this.data = [];
    return { event: type || 'message', data, lastEventId: this.lastEventId };
  }
}
