import { xxh32 } from "../src/xxh32.ts";
const b = new Uint8Array(16 << 20); for (let i = 0; i < b.length; i++) b[i] = i * 31;
for (let r = 0; r < 5; r++) { const t = performance.now(); let h = 0; for (let k = 0; k < 8; k++) h ^= xxh32(b); const dt = performance.now() - t; console.log("xxh32 16MB", (8 * b.length / 1e6 / (dt / 1000)).toFixed(0), "MB/s", h); }
const s = 150528; 
for (let r = 0; r < 3; r++) { const t = performance.now(); let h = 0; for (let k = 0; k < 800; k++) h ^= xxh32(b, 0, s); const dt = performance.now() - t; console.log("xxh32 150KB hot", (800 * s / 1e6 / (dt / 1000)).toFixed(0), "MB/s", h); }
