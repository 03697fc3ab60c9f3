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

  uint32(): number {
    return Number(BigInt.asUintN(32, this.varint()));
  }

  bool(): boolean {
    return this.varint() !== 0n;
  }

  fixed64(): bigint {
    this.need(8);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  fixed32(): number {
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  bytes(): Uint8Array {
    const length = this.length();
    const value = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  /** A reader over the next length-delimited field (an embedded message). */
  message(): ProtoReader {
    const length = this.length();
    const reader = new ProtoReader(this.buf, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }

  /** Skips a field this decoder does not use (protobuf's rule for unknown fields). */
  skip(wire: number): void {
    if (wire === WireType.varint) this.varint();
    else if (wire === WireType.fixed64) this.advance(8);
    else if (wire === WireType.len) this.advance(this.length());
    else if (wire === WireType.fixed32) this.advance(4);
    else throw new ProtoDecodeError(`unsupported wire type ${wire}`);
  }

  private length(): number {
    const length = Number(this.varint());
    this.need(length);
    return length;
  }

  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtoDecodeError('message is truncated');
  }
}

/** Reads every field of a message, handing each to `onField`, which returns false for fields it skips. */
export function readFields(reader: ProtoReader, onField: (field: number, wire: number, r: ProtoReader) => boolean): void {
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (!onField(field, wire, reader)) reader.skip(wire);
  }
}
