/** A malformed protobuf message: truncated, a bad wire type, or a varint longer than 10 bytes. */
export class ProtoDecodeError extends Error {
  constructor(message: string) {
    super(`OTLP protobuf: ${message}`);
    this.name = 'ProtoDecodeError';
  }
}

export const WireType = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const;

/**
 * Reads protobuf wire format (https://protobuf.dev/programming-guides/encoding/): just what decoding OTLP
 * needs. The counterpart of the metrics encoder's writer; kept here because only the local pipeline reads.
 */
export class ProtoReader {
  private pos: number;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Number(key >> 3n);
    if (field === 0) throw new ProtoDecodeError('field number 0');
    return { field, wire: Number(key & 7n) };
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    throw new ProtoDecodeError('varint longer than 10 bytes');
  }

  int64(): bigint {
    return BigInt.asIntN(64, this.varint());
  }

  bool(): boolean {
    return this.varint() !== 0n;
  }

  fixed64(): bigint {
    return this.view.getBigUint64(this.take(8), true);
  }

  double(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  bytes(): Uint8Array {
    const start = this.take(this.length());
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  /** A reader over the next length-delimited field (an embedded message). */
  message(): ProtoReader {
    const start = this.take(this.length());
    return new ProtoReader(this.buf, start, this.pos);
  }

  /** Skips a field this decoder does not use (protobuf's rule for unknown fields). */
  skip(wire: number): void {
    if (wire === WireType.varint) this.varint();
    else if (wire === WireType.fixed64) this.take(8);
    else if (wire === WireType.len) this.take(this.length());
    else if (wire === WireType.fixed32) this.take(4);
    else throw new ProtoDecodeError(`unsupported wire type ${wire}`);
  }

  private length(): number {
    return Number(this.varint());
  }

  /** Moves past `n` bytes, returning where they start; past the end of the message is an error. */
  private take(n: number): number {
    if (this.pos + n > this.end) throw new ProtoDecodeError('message is truncated');
    const start = this.pos;
    this.pos += n;
    return start;
  }

  private byte(): number {
    return this.buf[this.take(1)]!;
  }
}

/** Reads every field of a message, handing each to `onField`, which returns false for fields it skips. */
export function readFields(reader: ProtoReader, onField: (field: number, wire: number, r: ProtoReader) => boolean): void {
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (!onField(field, wire, reader)) reader.skip(wire);
  }
}
