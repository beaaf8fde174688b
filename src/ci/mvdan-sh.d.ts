/**
 * The few parts of mvdan-sh 0.10.1 (GopherJS build of mvdan.cc/sh/v3/syntax) this tool uses. The package
 * ships no types. Offsets are UTF-8 byte offsets into the parsed source.
 */
declare module 'mvdan-sh' {
  export interface Pos {
    Offset(): number;
    Line(): number;
    Col(): number;
  }
  export interface Node {
    Pos(): Pos;
    End(): Pos;
  }
  export interface Lit extends Node {
    Value: string;
  }
  export interface Word extends Node {
    Parts: Node[];
    Lit(): string;
  }
  export interface Assign extends Node {
    Name: Lit | null;
    Value: Word | null;
    Naked: boolean;
  }
  export interface ParamExp extends Node {
    Short: boolean;
    Param: Lit;
    Exp: unknown;
    Index: unknown;
    Length: boolean;
    Excl: boolean;
    Slice: unknown;
    Repl: unknown;
    Names: number;
  }
  export interface SglQuoted extends Node {
    Value: string;
    Dollar: boolean;
  }
  export interface DblQuoted extends Node {
    Parts: Node[];
    Dollar: boolean;
  }
  export interface CallExpr extends Node {
    Assigns: Assign[];
    Args: Word[];
  }
  export interface DeclClause extends Node {
    Variant: Lit;
    Args: Assign[];
  }
  export interface Comment extends Node {
    Text: string;
  }
  export interface Stmt extends Node {
    Cmd: Node | null;
    Background: boolean;
    Coprocess: boolean;
  }
  export interface File extends Node {
    Stmts: Stmt[];
  }
  export interface Parser {
    Parse(src: string, name: string): File;
  }
  export interface Syntax {
    NewParser(...options: unknown[]): Parser;
    KeepComments(keep: boolean): unknown;
    Walk(node: Node, fn: (node: Node | null) => boolean): void;
    NodeType(node: Node): string;
  }
  const sh: { syntax: Syntax };
  export default sh;
}
