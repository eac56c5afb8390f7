import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  text: string;
}

/** A request with the path sent byte for byte (fetch and URL would normalise `..` and backslashes away). */
export function rawGet(base: string, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () => {
        const body = new Uint8Array(Buffer.concat(chunks));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: new TextDecoder().decode(body) });
      });
    });
    req.on("error", reject);
    req.end();
  });
}
