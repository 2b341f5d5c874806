// Turns one page template into the body of a plain function (TypeScript source) that writes what Handlebars would:
// scripts/compile-templates.ts puts them in src/render/templates.generated.ts, which no longer needs Handlebars.
// Handlebars.parse applies the standalone-line whitespace stripping and `~` exactly as its compiler does; this walks
// the tree it returns and knows only what the templates use. Anything else stops the build, so that a template
// never renders differently from Handlebars in silence.
import Handlebars from 'handlebars';

type Node = hbs.AST.Node;
type Program = hbs.AST.Program;
type PathExpression = hbs.AST.PathExpression;

/** Names a one-part `{{name}}` would call as Handlebars' built-in helpers instead of reading the view. */
const BUILT_IN_HELPERS = new Set([
  'helperMissing',
  'blockHelperMissing',
  'each',
  'if',
  'unless',
  'with',
  'log',
  'lookup',
]);

/**
 * The head of templates.generated.ts after its types: the shared runtime (src/render/page-runtime.ts) and the
 * partial call, which needs the generated templates themselves.
 */
export const PAGE_FUNCTION_PRELUDE = `/** A context as a field is read from it: a view, a list, a primitive or nothing (see \`read\` in the compiler). */
type Fields = { readonly [name: string]: unknown } | null | undefined;

/** \`{{> name context}}\`: the partial the environment registered under that name, with the same partials. */
function partial(partials: Partials, name: string, context: unknown): string {
  const file = Object.hasOwn(partials, name) ? partials[name] : undefined;
  if (file === undefined) throw new Error(\`The partial \${name} could not be found\`);
  return templates[file](context, partials);
}
`;

/**
 * Every name some context's prototype has (an object's, an array's, a string's, a number's, a boolean's, a
 * function's, a date's): `get` reads only own properties, so only a name outside these may be read directly, where
 * an own property is all a read can find. A direct read is a plain property access, which the engine caches per
 * place; `get` is one lookup function for every field of every template.
 */
const INHERITED = new Set(
  [Object, Array, String, Number, Boolean, Function, Date].flatMap((type) =>
    Object.getOwnPropertyNames(type.prototype),
  ),
);

/** The read of field `name` of `parent`, as Handlebars' own-property lookup reads it. */
function read(parent: string, name: string): string {
  return INHERITED.has(name) || name === '__proto__'
    ? `get(${parent}, ${JSON.stringify(name)})`
    : `(${parent} as Fields)?.[${JSON.stringify(name)}]`;
}

function unsupported(file: string, node: Node, what: string): Error {
  const { line, column } = node.loc.start;
  return new Error(`${file}:${line}:${column}: ${what} is not supported by scripts/compile-page-functions.ts`);
}

/** The expression a block's body becomes, in one function of (context, partials). */
class TemplateWriter {
  constructor(private readonly file: string) {}

  /** `context` is the variable holding the block's context: c0 at the top, c1 inside one `#each`, … */
  program(program: Program | undefined, context: string): string {
    const parts = (program?.body ?? []).map((node) => this.statement(node, context)).filter((part) => part !== '');
    return parts.length === 0 ? "''" : parts.join(' + ');
  }

  private statement(node: Node, context: string): string {
    switch (node.type) {
      case 'ContentStatement': {
        const { value } = node as hbs.AST.ContentStatement;
        return value === '' ? '' : JSON.stringify(value);
      }
      case 'CommentStatement':
        return '';
      case 'MustacheStatement':
        return this.mustache(node as hbs.AST.MustacheStatement, context);
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement, context);
      case 'PartialStatement':
        return this.partial(node as hbs.AST.PartialStatement, context);
      default:
        throw unsupported(this.file, node, node.type);
    }
  }

  private mustache(node: hbs.AST.MustacheStatement, context: string): string {
    if (node.params.length > 0 || node.hash) throw unsupported(this.file, node, 'a helper call');
    const path = this.path(node.path, context);
    const { parts } = node.path as PathExpression;
    const [first] = parts;
    if (parts.length === 1 && first !== undefined && !this.scoped(node.path as PathExpression)) {
      // Handlebars would call its helper of that name rather than read the field.
      if (BUILT_IN_HELPERS.has(first)) throw unsupported(this.file, node, `{{${first}}} (a built-in helper's name)`);
    }
    return `${node.escaped ? 'escaped' : 'raw'}(${path})`;
  }

  private block(node: hbs.AST.BlockStatement, context: string): string {
    const { path, params, hash, program, inverse } = node;
    const helper = path.original;
    if (params.length !== 1 || hash || (program.blockParams?.length ?? 0) > 0) {
      throw unsupported(this.file, node, `{{#${helper}}} with other than one argument`);
    }
    const [param] = params;
    if (param === undefined) throw unsupported(this.file, node, `{{#${helper}}} without an argument`);
    const value = this.path(param, context);
    const otherwise = this.program(inverse, context);
    if (helper === 'if') return `(truthy(${value}) ? ${this.program(program, context)} : ${otherwise})`;
    if (helper === 'each') {
      const item = `c${Number(context.slice(1)) + 1}`;
      return `each(${value}, (${item}) => ${this.program(program, item)}, () => ${otherwise})`;
    }
    throw unsupported(this.file, node, `{{#${helper}}}`);
  }

  private partial(node: hbs.AST.PartialStatement, context: string): string {
    const { name, params, hash, indent } = node;
    if (name.type !== 'PathExpression') throw unsupported(this.file, node, 'a dynamic partial');
    if (hash || params.length > 1) throw unsupported(this.file, node, 'a partial with hash or several arguments');
    // Handlebars would indent every line of the partial's output by the standalone tag's indentation.
    if (indent) throw unsupported(this.file, node, 'an indented standalone partial');
    const [param] = params;
    const partialContext = param === undefined ? context : this.path(param, context);
    return `partial(partials, ${JSON.stringify((name as PathExpression).original)}, ${partialContext})`;
  }

  /** `this.x` or `./x`: never a helper. */
  private scoped(path: PathExpression): boolean {
    return path.original.startsWith('this') || path.original.startsWith('./');
  }

  private path(expression: Node, context: string): string {
    if (expression.type !== 'PathExpression') throw unsupported(this.file, expression, expression.type);
    const path = expression as PathExpression;
    if (path.data) throw unsupported(this.file, path, `@${path.original}`);
    if (path.depth > 0) throw unsupported(this.file, path, `a parent context (${path.original})`);
    return path.parts.reduce(read, context);
  }
}

/** `(c0: unknown, partials: Partials): string => …` for the source of one page template. */
export function compilePageFunction(file: string, source: string): string {
  const program = Handlebars.parse(source);
  return `(c0: unknown, partials: Partials): string => ${new TemplateWriter(file).program(program, 'c0')}`;
}
