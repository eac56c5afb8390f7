/**
 * The TQL syntax tree. `pos` is the character offset in the query, for error messages.
 * @module
 */

export type IndexItem = { k: "idx"; e: Expr } | { k: "slice"; start?: Expr; stop?: Expr; step?: Expr };

export interface Weighted {
  cond: Expr;
  weight: number;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or";

export type Expr =
  | { k: "num"; v: number; pos: number }
  | { k: "str"; v: string; pos: number }
  | { k: "bool"; v: boolean; pos: number }
  | { k: "null"; pos: number }
  | { k: "ident"; name: string; pos: number }
  | { k: "array"; items: Expr[]; pos: number }
  | { k: "call"; name: string; args: Expr[]; weighted?: Weighted[]; pos: number }
  | { k: "neg"; e: Expr; pos: number }
  | { k: "not"; e: Expr; pos: number }
  | { k: "bin"; op: BinaryOp; l: Expr; r: Expr; pos: number }
  | { k: "in"; e: Expr; list: Expr[]; not: boolean; pos: number }
  | { k: "sub"; e: Expr; items: IndexItem[]; pos: number };

export interface SelectItem {
  expr: Expr | "*";
  alias?: string;
}

export interface OrderItem {
  expr: Expr;
  desc: boolean;
}

export interface SampleClause {
  mode: "max_weight" | "sum_weight" | "expr";
  weighted: Weighted[];
  expr?: Expr;
  replace?: boolean;
  limit?: number;
}

export interface SelectStmt {
  k: "select";
  items: SelectItem[];
  from?: { k: "path"; path: string } | { k: "query"; q: Query };
  where?: Expr;
  group?: Expr[];
  ungroup?: Expr[];
  expand?: [number, number];
  order?: OrderItem[];
  limit?: number;
  offset?: number;
  sample?: SampleClause;
}

export type SetOp = "union" | "intersect" | "except";

/** A set operation, or a parenthesised query with trailing ORDER BY/LIMIT applying to the whole of it. */
export type Query =
  | SelectStmt
  | { k: "setop"; op: SetOp; l: Query; r: Query }
  | { k: "wrap"; q: Query; order?: OrderItem[]; limit?: number; offset?: number };
