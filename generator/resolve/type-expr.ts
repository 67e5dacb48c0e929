/**
 * The type expressions of the language (`string`, `Trick[]?`, `map<decimal>`) parsed into a
 * tree whose names are not resolved yet. Grammar:
 *   field := type '?'?      type := primary ('[]')*      primary := NAME | 'map<' type '>'
 */

export type TypeExpr =
  | { readonly kind: 'named'; readonly name: string /** offset of the name in the expression */; readonly at: number }
  | { readonly kind: 'list'; readonly element: TypeExpr }
  | { readonly kind: 'map'; readonly value: TypeExpr };

export type ParsedFieldType =
  | { readonly ok: true; readonly type: TypeExpr; readonly optional: boolean }
  | {
      readonly ok: false;
      readonly message: string;
      readonly hint: string /** offset in the expression */;
      readonly at: number;
    };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

class ParseError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Parses a field's type expression. */
export function parseFieldType(text: string): ParsedFieldType {
  const parser = new Parser(text);
  try {
    const type = parser.type();
    const optional = parser.eat('?');
    if (!parser.done()) {
      const rest = text.slice(parser.pos);
      const hint =
        rest.includes('?') || (text.slice(0, parser.pos).endsWith('?') && rest.startsWith('['))
          ? 'only a whole field can be optional: write `T[]?` (an optional list), not `T?[]`; lists and maps hold no absent elements'
          : 'a type is a name, `T[]`, `map<T>` or one of them followed by `?`';
      throw new ParseError(`unexpected "${rest}" in type "${text}"`, parser.pos, hint);
    }
    return { ok: true, type, optional };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, message: error.message, hint: error.hint, at: error.at };
    throw error;
  }
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  type(): TypeExpr {
    let type = this.primary();
    while (this.eat('[]')) type = { kind: 'list', element: type };
    return type;
  }

  primary(): TypeExpr {
    this.skipSpaces();
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    if (match === null) {
      const found = this.text.slice(this.pos) === '' ? 'the end' : `"${this.text.slice(this.pos)}"`;
      throw new ParseError(
        `expected a type name in "${this.text}", found ${found}`,
        this.pos,
        'a type is a scalar (string, int, decimal, …), a value object or enum of the domain, `T[]` or `map<T>`',
      );
    }
    const at = this.pos;
    this.pos += match[0].length;
    if (match[0] === 'map' && this.eat('<')) {
      const value = this.type();
      if (this.eat('?')) {
        throw new ParseError(
          `map values cannot be optional in "${this.text}"`,
          this.pos - 1,
          'write `map<T>`; a key is either present with a value or absent',
        );
      }
      if (!this.eat('>')) {
        throw new ParseError(
          `expected ">" to close "map<" in "${this.text}"`,
          this.pos,
          'write `map<T>`, e.g. `map<decimal>`',
        );
      }
      return { kind: 'map', value };
    }
    return { kind: 'named', name: match[0], at };
  }

  eat(token: string): boolean {
    this.skipSpaces();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  done(): boolean {
    this.skipSpaces();
    return this.pos >= this.text.length;
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos += 1;
  }
}

/** Back to text, for messages: `map<Trick[]>`. */
export function formatTypeExpr(type: TypeExpr): string {
  switch (type.kind) {
    case 'named':
      return type.name;
    case 'list':
      return `${formatTypeExpr(type.element)}[]`;
    case 'map':
      return `map<${formatTypeExpr(type.value)}>`;
  }
}
