/**
 * TQL tokens. Keywords are ordinary identifiers here (the parser matches them case-insensitively), so tensor names
 * that happen to be keywords still work inside double quotes.
 * @module
 */
import { TQLSyntaxError } from "../errors.ts";

export type TokenKind = "ident" | "qident" | "string" | "number" | "op" | "eof";

export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  /** Numeric value of number tokens. */
  value?: number;
}

const OPS = ["==", "!=", "<>", "<=", ">=", "<", ">", "=", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",", ":"];

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = query.length;
  while (i < n) {
    const c = query[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "-" && query[i + 1] === "-") {
      while (i < n && query[i] !== "\n") i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(query[i]!)) i++;
      tokens.push({ kind: "ident", text: query.slice(start, i), pos: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(query[i + 1] ?? ""))) {
      while (i < n && /[0-9]/.test(query[i]!)) i++;
      if (query[i] === "." && /[0-9]/.test(query[i + 1] ?? "")) {
        i++;
        while (i < n && /[0-9]/.test(query[i]!)) i++;
      } else if (query[i] === "." && !/[A-Za-z_]/.test(query[i + 1] ?? "")) {
        i++;
      }
      if ((query[i] === "e" || query[i] === "E") && /[-+0-9]/.test(query[i + 1] ?? "")) {
        let j = i + 1;
        if (query[j] === "+" || query[j] === "-") j++;
        if (/[0-9]/.test(query[j] ?? "")) {
          i = j;
          while (i < n && /[0-9]/.test(query[i]!)) i++;
        }
      }
      const text = query.slice(start, i);
      tokens.push({ kind: "number", text, pos: start, value: Number(text) });
      continue;
    }
    if (c === "'" || c === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= n) throw new TQLSyntaxError(`unterminated ${c === "'" ? "string" : "quoted identifier"}`, query, start);
        const d = query[i]!;
        if (d === c) {
          if (query[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === "\\" && i + 1 < n) {
          const e = query[i + 1]!;
          value += e === "n" ? "\n" : e === "t" ? "\t" : e;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      tokens.push({ kind: c === "'" ? "string" : "qident", text: value, pos: start });
      continue;
    }
    const op = OPS.find((o) => query.startsWith(o, i));
    if (!op) throw new TQLSyntaxError(`unexpected character ${JSON.stringify(c)}`, query, start);
    i += op.length;
    tokens.push({ kind: "op", text: op === "=" ? "==" : op === "<>" ? "!=" : op, pos: start });
  }
  tokens.push({ kind: "eof", text: "", pos: n });
  return tokens;
}
