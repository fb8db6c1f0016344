// Type declarations for snappyjs 0.7 (CommonJS, ships no types): Snappy block format, as Go's
// github.com/golang/snappy Encode/Decode.
declare module 'snappyjs' {
  const snappyjs: {
    /** Compresses to a new Uint8Array (a Buffer when given a Buffer). */
    compress(input: Uint8Array): Uint8Array;
    /** Decompresses; throws Error('Invalid Snappy bitstream') on damage or if the result exceeds `maxLength`. */
    uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
  };
  export default snappyjs;
}
