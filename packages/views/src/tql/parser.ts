/**
 * Recursive-descent parser for TQL (precedence climbing for expressions). Grammar: see the package README.
 * @module
 */
import { TQLSyntaxError } from "../errors.ts";
import type { BinaryOp, Expr, IndexItem, OrderItem, Query, SampleClause, SelectItem, SelectStmt, Weighted } from "./ast.ts";
import { type Token, tokenize } from "./lexer.ts";

/** Words that end an expression or a clause; they cannot be bare tensor names (quote them: "order"). */
const RESERVED = new Set([
  "select", "from", "where", "group", "ungroup", "expand", "order", "by", "limit", "offset", "sample", "replace",
  "union", "intersect", "except", "and", "or", "not", "in", "between", "as", "asc", "desc",
]);

class Parser {
  readonly #q: string;
  readonly #t: Token[];
  #i = 0;

  constructor(query: string) {
    this.#q = query;
    this.#t = tokenize(query);
  }

  get #tok(): Token {
    return this.#t[this.#i]!;
  }

  #fail(message: string, tok: Token = this.#tok): never {
    throw new TQLSyntaxError(message, this.#q, tok.pos);
  }

  #describe(tok: Token): string {
    return tok.kind === "eof" ? "end of query" : tok.kind === "string" ? `string '${tok.text}'` : `${JSON.stringify(tok.text)}`;
  }

  #isKw(word: string, tok: Token = this.#tok): boolean {
    return tok.kind === "ident" && tok.text.toLowerCase() === word;
  }

  #acceptKw(word: string): boolean {
    if (!this.#isKw(word)) return false;
    this.#i++;
    return true;
  }

  #expectKw(word: string): void {
    if (!this.#acceptKw(word)) this.#fail(`expected ${word.toUpperCase()}, found ${this.#describe(this.#tok)}`);
  }

  #isOp(op: string): boolean {
    return this.#tok.kind === "op" && this.#tok.text === op;
  }

  #acceptOp(op: string): boolean {
    if (!this.#isOp(op)) return false;
    this.#i++;
    return true;
  }

  #expectOp(op: string): void {
    if (!this.#acceptOp(op)) this.#fail(`expected '${op}', found ${this.#describe(this.#tok)}`);
  }

  #int(what: string): number {
    const neg = this.#acceptOp("-");
    const tok = this.#tok;
    if (tok.kind !== "number" || !Number.isInteger(tok.value)) this.#fail(`expected an integer ${what}, found ${this.#describe(tok)}`);
    this.#i++;
    return neg ? -tok.value! : tok.value!;
  }

  #number(what: string): number {
    const neg = this.#acceptOp("-");
    const tok = this.#tok;
    if (tok.kind !== "number") this.#fail(`expected a number ${what}, found ${this.#describe(tok)}`);
    this.#i++;
    return neg ? -tok.value! : tok.value!;
  }

  parseTop(): Query {
    const q = this.#query();
    if (this.#tok.kind !== "eof") this.#fail(`unexpected ${this.#describe(this.#tok)}`);
    return q;
  }

  parseExprTop(): Expr {
    const e = this.#expr();
    if (this.#tok.kind !== "eof") this.#fail(`unexpected ${this.#describe(this.#tok)}`);
    return e;
  }

  #query(): Query {
    let q = this.#operand();
    let lastParen = this.#t[this.#i - 1]?.text === ")" && this.#t[this.#i - 1]?.kind === "op";
    for (;;) {
      const tok = this.#tok;
      const op = ["union", "intersect", "except"].find((w) => this.#isKw(w, tok));
      if (!op) break;
      this.#i++;
      const r = this.#operand();
      lastParen = this.#t[this.#i - 1]?.text === ")" && this.#t[this.#i - 1]?.kind === "op";
      q = { k: "setop", op: op as "union" | "intersect" | "except", l: q, r };
    }
    if (lastParen && (this.#isKw("order") || this.#isKw("limit") || this.#isKw("offset"))) {
      const tail: { order?: OrderItem[]; limit?: number; offset?: number } = {};
      this.#orderLimit(tail);
      q = { k: "wrap", q, ...tail };
    }
    return q;
  }

  #operand(): Query {
    if (this.#acceptOp("(")) {
      const q = this.#query();
      this.#expectOp(")");
      return q;
    }
    if (!this.#isKw("select")) this.#fail(`expected SELECT or '(', found ${this.#describe(this.#tok)}`);
    return this.#select();
  }

  #select(): SelectStmt {
    this.#expectKw("select");
    const items: SelectItem[] = [];
    do {
      if (this.#acceptOp("*")) items.push({ expr: "*" });
      else {
        const expr = this.#expr();
        if (this.#acceptKw("as")) {
          const tok = this.#tok;
          if (tok.kind !== "ident" && tok.kind !== "qident") this.#fail(`expected a name after AS, found ${this.#describe(tok)}`);
          this.#i++;
          items.push({ expr, alias: tok.text });
        } else items.push({ expr });
      }
    } while (this.#acceptOp(","));
    const s: SelectStmt = { k: "select", items };
    if (this.#acceptKw("from")) {
      const tok = this.#tok;
      if (tok.kind === "qident" || tok.kind === "string") {
        this.#i++;
        s.from = { k: "path", path: tok.text };
      } else if (this.#acceptOp("(")) {
        s.from = { k: "query", q: this.#query() };
        this.#expectOp(")");
      } else this.#fail(`expected a dataset path or '(' after FROM, found ${this.#describe(tok)}`);
    }
    if (this.#acceptKw("where")) s.where = this.#expr();
    if (this.#isKw("group") || this.#isKw("ungroup")) {
      const ungroup = this.#isKw("ungroup");
      this.#i++;
      this.#expectKw("by");
      const keys = [this.#expr()];
      while (this.#acceptOp(",")) keys.push(this.#expr());
      if (ungroup) s.ungroup = keys;
      else s.group = keys;
    }
    if (this.#acceptKw("expand")) {
      this.#expectKw("by");
      const before = this.#int("(rows before)");
      this.#expectOp(",");
      const after = this.#int("(rows after)");
      if (before < 0 || after < 0) this.#fail("EXPAND BY counts must be non-negative", this.#t[this.#i - 1]);
      s.expand = [before, after];
    }
    if (this.#isKw("sample")) {
      this.#i++;
      this.#expectKw("by");
      s.sample = this.#sample();
      return s;
    }
    this.#orderLimit(s);
    return s;
  }

  #orderLimit(s: { order?: OrderItem[]; limit?: number; offset?: number }): void {
    // The 3.x docs put LIMIT before ORDER BY, usage puts it after: accept both, evaluate ORDER → OFFSET → LIMIT.
    for (let round = 0; round < 2; round++) {
      if (!s.order && this.#isKw("order")) {
        this.#i++;
        this.#expectKw("by");
        const order: OrderItem[] = [];
        do {
          const expr = this.#expr();
          const desc = this.#acceptKw("desc");
          if (!desc) this.#acceptKw("asc");
          order.push({ expr, desc });
        } while (this.#acceptOp(","));
        s.order = order;
      }
      if (s.limit === undefined && s.offset === undefined && this.#acceptKw("limit")) {
        s.limit = this.#nonNegative("LIMIT");
        if (this.#acceptKw("offset")) s.offset = this.#nonNegative("OFFSET");
      } else if (s.limit === undefined && s.offset === undefined && this.#acceptKw("offset")) {
        s.offset = this.#nonNegative("OFFSET");
      }
    }
  }

  #nonNegative(what: string): number {
    const tok = this.#tok;
    const v = this.#int(`after ${what}`);
    if (v < 0) this.#fail(`${what} must be non-negative`, tok);
    return v;
  }

  #sample(): SampleClause {
    const tok = this.#tok;
    const next = this.#t[this.#i + 1];
    let clause: SampleClause;
    if ((this.#isKw("max_weight") || this.#isKw("sum_weight")) && next?.kind === "op" && next.text === "(") {
      this.#i += 2;
      const weighted = this.#weightedList();
      clause = { mode: tok.text.toLowerCase() as "max_weight" | "sum_weight", weighted };
    } else {
      clause = { mode: "expr", weighted: [], expr: this.#expr() };
    }
    if (this.#acceptKw("replace")) {
      const b = this.#tok;
      if (this.#isKw("true")) clause.replace = true;
      else if (this.#isKw("false")) clause.replace = false;
      else this.#fail(`expected TRUE or FALSE after REPLACE, found ${this.#describe(b)}`);
      this.#i++;
    }
    if (this.#acceptKw("limit")) clause.limit = this.#nonNegative("LIMIT");
    return clause;
  }

  #weightedList(): Weighted[] {
    const out: Weighted[] = [];
    do {
      const cond = this.#expr();
      this.#expectOp(":");
      out.push({ cond, weight: this.#number("(weight)") });
    } while (this.#acceptOp(","));
    this.#expectOp(")");
    return out;
  }

  #expr(): Expr {
    return this.#or();
  }

  #or(): Expr {
    let l = this.#and();
    while (this.#isKw("or")) {
      const pos = this.#tok.pos;
      this.#i++;
      l = { k: "bin", op: "or", l, r: this.#and(), pos };
    }
    return l;
  }

  #and(): Expr {
    let l = this.#not();
    while (this.#isKw("and")) {
      const pos = this.#tok.pos;
      this.#i++;
      l = { k: "bin", op: "and", l, r: this.#not(), pos };
    }
    return l;
  }

  #not(): Expr {
    if (this.#isKw("not")) {
      const pos = this.#tok.pos;
      this.#i++;
      return { k: "not", e: this.#not(), pos };
    }
    return this.#predicate();
  }

  #predicate(): Expr {
    const l = this.#additive();
    const tok = this.#tok;
    if (tok.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(tok.text)) {
      this.#i++;
      return { k: "bin", op: tok.text as BinaryOp, l, r: this.#additive(), pos: tok.pos };
    }
    let negated = false;
    if (this.#isKw("not") && (this.#isKw("in", this.#t[this.#i + 1]) || this.#isKw("between", this.#t[this.#i + 1]))) {
      negated = true;
      this.#i++;
    }
    const pos = this.#tok.pos;
    if (this.#acceptKw("in")) {
      let list: Expr[];
      if (this.#acceptOp("(")) {
        list = [this.#expr()];
        while (this.#acceptOp(",")) list.push(this.#expr());
        this.#expectOp(")");
      } else if (this.#isKw("array")) {
        list = [this.#primary()];
      } else this.#fail(`expected '(' or ARRAY after IN, found ${this.#describe(this.#tok)}`);
      return { k: "in", e: l, list, not: negated, pos };
    }
    if (this.#acceptKw("between")) {
      const lo = this.#additive();
      this.#expectKw("and");
      const hi = this.#additive();
      const range: Expr = { k: "bin", op: "and", l: { k: "bin", op: ">=", l, r: lo, pos }, r: { k: "bin", op: "<=", l, r: hi, pos }, pos };
      return negated ? { k: "not", e: range, pos } : range;
    }
    if (negated) this.#fail("expected IN or BETWEEN after NOT");
    return l;
  }

  #additive(): Expr {
    let l = this.#multiplicative();
    while (this.#isOp("+") || this.#isOp("-")) {
      const tok = this.#tok;
      this.#i++;
      l = { k: "bin", op: tok.text as BinaryOp, l, r: this.#multiplicative(), pos: tok.pos };
    }
    return l;
  }

  #multiplicative(): Expr {
    let l = this.#unary();
    while (this.#isOp("*") || this.#isOp("/") || this.#isOp("%")) {
      const tok = this.#tok;
      this.#i++;
      l = { k: "bin", op: tok.text as BinaryOp, l, r: this.#unary(), pos: tok.pos };
    }
    return l;
  }

  #unary(): Expr {
    if (this.#isOp("-")) {
      const pos = this.#tok.pos;
      this.#i++;
      const e = this.#unary();
      return e.k === "num" ? { k: "num", v: -e.v, pos } : { k: "neg", e, pos };
    }
    if (this.#isOp("+")) {
      this.#i++;
      return this.#unary();
    }
    return this.#postfix();
  }

  #postfix(): Expr {
    let e = this.#primary();
    while (this.#isOp("[")) {
      const pos = this.#tok.pos;
      this.#i++;
      const items: IndexItem[] = [this.#indexItem()];
      while (this.#acceptOp(",")) items.push(this.#indexItem());
      this.#expectOp("]");
      e = { k: "sub", e, items, pos };
    }
    return e;
  }

  #indexItem(): IndexItem {
    const bound = (): Expr | undefined => (this.#isOp(":") || this.#isOp(",") || this.#isOp("]") ? undefined : this.#expr());
    const start = bound();
    if (!this.#acceptOp(":")) {
      if (!start) this.#fail(`expected an index, found ${this.#describe(this.#tok)}`);
      return { k: "idx", e: start };
    }
    const stop = bound();
    const step = this.#acceptOp(":") ? bound() : undefined;
    return { k: "slice", start, stop, step };
  }

  #primary(): Expr {
    const tok = this.#tok;
    const pos = tok.pos;
    switch (tok.kind) {
      case "number":
        this.#i++;
        return { k: "num", v: tok.value!, pos };
      case "string":
        this.#i++;
        return { k: "str", v: tok.text, pos };
      case "qident":
        this.#i++;
        return { k: "ident", name: tok.text, pos };
      case "op":
        if (tok.text === "(") {
          this.#i++;
          const e = this.#expr();
          this.#expectOp(")");
          return e;
        }
        return this.#fail(`expected an expression, found ${this.#describe(tok)}`);
      case "eof":
        return this.#fail("expected an expression, found end of query");
      case "ident": {
        const lower = tok.text.toLowerCase();
        if (lower === "true" || lower === "false") {
          this.#i++;
          return { k: "bool", v: lower === "true", pos };
        }
        if (lower === "null") {
          this.#i++;
          return { k: "null", pos };
        }
        const next = this.#t[this.#i + 1];
        if (lower === "array" && next?.kind === "op" && next.text === "[") {
          this.#i += 2;
          const items: Expr[] = [];
          if (!this.#isOp("]")) {
            items.push(this.#expr());
            while (this.#acceptOp(",")) items.push(this.#expr());
          }
          this.#expectOp("]");
          return { k: "array", items, pos };
        }
        if (RESERVED.has(lower)) return this.#fail(`expected an expression, found keyword ${tok.text.toUpperCase()}`);
        this.#i++;
        if (next?.kind === "op" && next.text === "(") {
          this.#i++;
          if (lower === "max_weight" || lower === "sum_weight") return { k: "call", name: lower, args: [], weighted: this.#weightedList(), pos };
          const args: Expr[] = [];
          if (!this.#isOp(")")) {
            args.push(this.#expr());
            while (this.#acceptOp(",")) args.push(this.#expr());
          }
          this.#expectOp(")");
          return { k: "call", name: lower, args, pos };
        }
        return { k: "ident", name: tok.text, pos };
      }
    }
  }
}

/** Parses a TQL query; throws TQLSyntaxError with line, column and a caret excerpt. */
export function parseQuery(query: string): Query {
  return new Parser(query).parseTop();
}

/** Parses a standalone TQL expression (a `filter()` string or a `sampleBy()` weight expression). */
export function parseExpression(text: string): Expr {
  return new Parser(text).parseExprTop();
}
