/**
 * Declaration shapes of generated TypeScript, named after ts-morph's `*Structure` types and
 * using their property names, so emitters build data and print.ts prints it. Moving to
 * ts-morph's printer means importing these names from ts-morph instead; what differs is marked.
 */
import type { CodeWriter } from './code-writer.js';

/** A function that writes code (ts-morph's `WriterFunction`, on this project's writer). */
export type WriterFunction = (writer: CodeWriter) => void;

/** The `kind` of each statement structure (ts-morph's `StructureKind` members of the same names). */
export const StructureKind = {
  ImportDeclaration: 'ImportDeclaration',
  ExportDeclaration: 'ExportDeclaration',
  Interface: 'Interface',
  TypeAlias: 'TypeAlias',
  VariableStatement: 'VariableStatement',
  Function: 'Function',
  Class: 'Class',
} as const;

export const VariableDeclarationKind = { Const: 'const' } as const;

/** Docs: each entry is one JSDoc block (ts-morph also takes `JSDocStructure` objects). */
interface JSDocableNodeStructure {
  readonly docs?: readonly string[];
}

export interface TypeParameterDeclarationStructure {
  readonly name: string;
  readonly constraint?: string;
}

export interface ParameterDeclarationStructure {
  readonly name: string;
  readonly type: string;
  readonly initializer?: string;
}

export interface ImportDeclarationStructure {
  readonly kind: typeof StructureKind.ImportDeclaration;
  readonly moduleSpecifier: string;
  readonly isTypeOnly?: boolean;
  /** Printed sorted and without repeats; an import naming nothing is left out. */
  readonly namedImports?: Iterable<string>;
  readonly namespaceImport?: string;
}

export interface ExportDeclarationStructure {
  readonly kind: typeof StructureKind.ExportDeclaration;
  readonly moduleSpecifier: string;
  readonly isTypeOnly?: boolean;
  /** Printed sorted and without repeats. */
  readonly namedExports: Iterable<string>;
}

export interface PropertySignatureStructure extends JSDocableNodeStructure {
  readonly name: string;
  readonly type: string;
  readonly hasQuestionToken?: boolean;
  readonly isReadonly?: boolean;
}

export interface InterfaceDeclarationStructure extends JSDocableNodeStructure {
  readonly kind: typeof StructureKind.Interface;
  readonly name: string;
  readonly isExported?: boolean;
  readonly typeParameters?: readonly TypeParameterDeclarationStructure[];
  readonly properties: readonly PropertySignatureStructure[];
}

/** A union type printed one member a line when the alias is too long (ts-morph: `Writers.unionType`). */
export interface UnionTypeText {
  readonly unionTypes: readonly string[];
}

export const Writers = {
  unionType: (...types: string[]): UnionTypeText => ({ unionTypes: types }),
};

export interface TypeAliasDeclarationStructure extends JSDocableNodeStructure {
  readonly kind: typeof StructureKind.TypeAlias;
  readonly name: string;
  readonly isExported?: boolean;
  readonly type: string | UnionTypeText;
}

export interface VariableDeclarationStructure {
  readonly name: string;
  readonly type: string;
  /** A writer function starts writing after `= ` and ends before `;`. */
  readonly initializer?: string | WriterFunction;
}

/** One declaration a statement; a multi-line (writer function) initializer stands apart by blank lines. */
export interface VariableStatementStructure extends JSDocableNodeStructure {
  readonly kind: typeof StructureKind.VariableStatement;
  readonly declarationKind: (typeof VariableDeclarationKind)['Const'];
  readonly isExported?: boolean;
  readonly hasDeclareKeyword?: boolean;
  readonly declarations: readonly [VariableDeclarationStructure];
}

export interface FunctionDeclarationOverloadStructure extends JSDocableNodeStructure {
  readonly typeParameters?: readonly TypeParameterDeclarationStructure[];
  readonly parameters: readonly ParameterDeclarationStructure[];
  readonly returnType: string;
}

export interface FunctionDeclarationStructure extends FunctionDeclarationOverloadStructure {
  readonly kind: typeof StructureKind.Function;
  readonly name: string;
  readonly isExported?: boolean;
  readonly overloads?: readonly FunctionDeclarationOverloadStructure[];
  readonly statements: string | WriterFunction;
}

type Scope = 'protected' | 'private';

export interface PropertyDeclarationStructure extends JSDocableNodeStructure {
  readonly name: string;
  readonly scope?: Scope;
  readonly isStatic?: boolean;
  readonly isReadonly?: boolean;
  readonly type: string;
  readonly initializer?: string;
}

export interface GetAccessorDeclarationStructure extends JSDocableNodeStructure {
  readonly name: string;
  readonly scope?: Scope;
  readonly returnType: string;
  readonly statements: string | WriterFunction;
}

export interface MethodDeclarationStructure extends JSDocableNodeStructure {
  readonly name: string;
  readonly scope?: Scope;
  readonly isStatic?: boolean;
  readonly isAbstract?: boolean;
  readonly hasOverrideKeyword?: boolean;
  readonly typeParameters?: readonly TypeParameterDeclarationStructure[];
  readonly parameters: readonly ParameterDeclarationStructure[];
  readonly returnType: string;
  /** Absent for abstract methods. */
  readonly statements?: string | WriterFunction;
}

/** Members print in ts-morph's order: properties, get accessors, methods; blank lines between. */
export interface ClassDeclarationStructure extends JSDocableNodeStructure {
  readonly kind: typeof StructureKind.Class;
  readonly name: string;
  readonly isExported?: boolean;
  readonly isAbstract?: boolean;
  readonly extends: string;
  readonly properties?: readonly PropertyDeclarationStructure[];
  readonly getAccessors?: readonly GetAccessorDeclarationStructure[];
  readonly methods?: readonly MethodDeclarationStructure[];
}

export type StatementStructure =
  | ExportDeclarationStructure
  | InterfaceDeclarationStructure
  | TypeAliasDeclarationStructure
  | VariableStatementStructure
  | FunctionDeclarationStructure
  | ClassDeclarationStructure;

/**
 * A whole file: imports, then statements. `imports` may be a function, called after the
 * statements are printed, for emitters whose writer functions collect what the file needs.
 */
export interface SourceFileStructure {
  /** Written after the generated-file header, before the imports. */
  readonly leadingTrivia?: WriterFunction;
  readonly imports: readonly ImportDeclarationStructure[] | (() => readonly ImportDeclarationStructure[]);
  readonly statements: readonly (StatementStructure | WriterFunction)[];
}
