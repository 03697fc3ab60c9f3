/** Wire types. */
const VARINT = 0,
  I64 = 1,
  LEN = 2;

/** Protobuf's wire format, just what OTLP metrics need; grows one buffer per message. */
export class ProtoWriter {
  private buf = Buffer.allocUnsafe(128);
  private pos = 0;

  /** uint32/uint64/int64 as a varint; negative int64 takes the full ten bytes, as protobuf requires. */
  varint(field: number, value: number | bigint): void {
    this.tag(field, VARINT);
    this.rawVarint(value);
  }

  /** fixed64 and sfixed64 alike: eight little-endian bytes, two's complement when negative. */
  fixed64(field: number, value: number | bigint): void {
    this.tag(field, I64);
    this.raw64(value);
  }

  double(field: number, value: number): void {
    this.tag(field, I64);
    this.rawDouble(value);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, LEN);
    this.rawVarint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  string(field: number, value: string): void {
    this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** A nested message: built in its own writer, then written length-delimited. */
  message(field: number, build: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    build(inner);
    this.bytes(field, inner.finish());
  }

  packedFixed64(field: number, values: readonly number[]): void {
    if (values.length > 0) this.message(field, (w) => values.forEach((v) => w.raw64(v)));
  }

  packedDouble(field: number, values: readonly number[]): void {
    if (values.length > 0) this.message(field, (w) => values.forEach((v) => w.rawDouble(v)));
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint((field << 3) | wireType);
  }

  private rawVarint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private raw64(value: number | bigint): void {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)), this.pos);
    this.pos += 8;
  }

  private rawDouble(value: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
