// Raw template values as symbolic strings (model SymbolicString): what the template determines written out, tokens
// for the rest. Resource references stay recognisable, which the resolver's plain evaluation loses inside Fn::Sub and
// Fn::Join. Read by the converters of functions (environment, destinations) and IAM (statement resources).
import { lambdaFunctionArn } from "../../../aws/facts.ts";
import type { SymbolicString } from "../../../model/types.ts";
import type { Resolver } from "../intrinsics.ts";
import { isResourceRef } from "../intrinsics.ts";
import type { Props } from "../kit.ts";

/** The SymbolicString token for a part the template does not determine. */
export const UNDETERMINED = "${?}";

export class Symbols {
  private readonly resolver: Resolver;
  private readonly propsOf: (id: string) => Props | undefined;

  constructor(resolver: Resolver, propsOf: (id: string) => Props | undefined) {
    this.resolver = resolver;
    this.propsOf = propsOf;
  }

  /** Raw value `v`, met in resource `from`, as a symbolic string. */
  of(from: string, v: unknown, depth = 0): SymbolicString {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (depth > 16 || !v || typeof v !== "object" || Array.isArray(v)) return UNDETERMINED;
    const entries = Object.entries(v);
    const [fn, arg] = entries.length === 1 ? (entries[0] as [string, unknown]) : ["", undefined];
    switch (fn) {
      case "Ref":
        return typeof arg === "string" ? this.ref(from, arg) : UNDETERMINED;
      case "Fn::GetAtt": {
        const [res, attr] = Array.isArray(arg)
          ? (arg as unknown[])
          : typeof arg === "string" && arg.includes(".")
            ? [arg.slice(0, arg.indexOf(".")), arg.slice(arg.indexOf(".") + 1)]
            : [];
        if (typeof res === "string" && typeof attr === "string" && res in this.resolver.resources) return this.attr(res, attr);
        return this.fallback(from, v);
      }
      case "Fn::Sub": {
        const [tpl, vars] = Array.isArray(arg) ? (arg as unknown[]) : [arg, {}];
        if (typeof tpl !== "string") return this.fallback(from, v);
        const named = vars && typeof vars === "object" && !Array.isArray(vars) ? (vars as Record<string, unknown>) : {};
        return tpl.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
          if (name.startsWith("!")) return `\${${name.slice(1)}}`;
          const key = name.trim();
          if (key in named) return this.of(from, named[key], depth + 1);
          const dot = key.indexOf(".");
          if (dot > 0 && !key.startsWith("AWS::"))
            return this.of(from, { "Fn::GetAtt": [key.slice(0, dot), key.slice(dot + 1)] }, depth + 1);
          return this.ref(from, key);
        });
      }
      case "Fn::Join": {
        const [delim, list] = Array.isArray(arg) ? (arg as unknown[]) : [];
        if (typeof delim !== "string" || !Array.isArray(list)) return this.fallback(from, v);
        return list.map((x) => this.of(from, x, depth + 1)).join(delim);
      }
      default:
        return this.fallback(from, v);
    }
  }

  /**
   * Resolves a value the symbolic reading does not handle. What the resolver would report about it is dropped: the
   * value was resolved, and its problems reported, when the resource's properties were.
   */
  private fallback(from: string, v: unknown): SymbolicString {
    const r = this.resolver.resolveApart(v, { logicalId: from }).value;
    if (typeof r === "string" || typeof r === "number" || typeof r === "boolean") return String(r);
    if (isResourceRef(r)) return r.$attr ? this.attr(r.$ref, r.$attr) : this.ref(from, r.$ref);
    return UNDETERMINED;
  }

  /** `Ref name`, met in resource `from`. */
  ref(from: string, name: string): SymbolicString {
    if (name === "AWS::Partition" || name === "AWS::Region" || name === "AWS::AccountId") return `\${${name}}`;
    if (name in this.resolver.resources) {
      return this.resolver.resources[name]?.Type === "AWS::Lambda::Function" ? this.functionName(name) : `\${${name}}`;
    }
    return this.fallback(from, { Ref: name });
  }

  /** `Fn::GetAtt [id, attr]`. */
  attr(id: string, attr: string): SymbolicString {
    if (this.resolver.resources[id]?.Type === "AWS::Lambda::Function" && attr === "Arn") {
      return lambdaFunctionArn(this.functionName(id));
    }
    return `\${${id}.${attr}}`;
  }

  /** A function's name: its literal FunctionName, else the token of its generated name. */
  private functionName(id: string): SymbolicString {
    const name = this.propsOf(id)?.FunctionName;
    return typeof name === "string" ? name : `\${${id}}`;
  }
}
