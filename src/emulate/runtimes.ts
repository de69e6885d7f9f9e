// What `emulate --invoke` knows of Lambda's runtimes (pure): which ones it runs and how, where Lambda writes inline code,
// and the environment Lambda gives a function's process. Every runtime runs the same way, as on Lambda: a bootstrap
// process that speaks the Runtime API (servers/runtime-api.ts serves it), so one mechanism serves them all.

/** How a runtime's bootstrap is started. */
export type RuntimeFamily =
  /** The repo's Node.js bootstrap (invoke.ts) with the machine's node. */
  | "nodejs"
  /** The repo's Python bootstrap (python-bootstrap.ts) with the machine's python3. */
  | "python"
  /** OS-only runtimes (provided.al2, provided.al2023, provided): the function's own `bootstrap` executable. */
  | "provided"
  /** go1.x (retired by AWS): the executable the Handler names; aws-lambda-go speaks the Runtime API when AWS_LAMBDA_RUNTIME_API is set. */
  | "go1.x";

export type RuntimeChoice = { readonly family: RuntimeFamily } | { readonly notEmulated: string };

/** The runtime family of a Runtime value, or why --invoke does not run it (a line for the user). */
export function runtimeFamily(runtime: string | null, packageType: string | undefined): RuntimeChoice {
  if (packageType === "Image") return { notEmulated: "a container image (PackageType Image) is not emulated by --invoke" };
  if (runtime === null) return { notEmulated: "the template gives no Runtime, so --invoke does not know how to run it" };
  if (/^nodejs(\d+(\.x|\.\d+)?)?$/.test(runtime)) return { family: "nodejs" };
  if (/^python3\.\d+$/.test(runtime)) return { family: "python" };
  if (/^provided(\.al2|\.al2023)?$/.test(runtime)) return { family: "provided" };
  if (runtime === "go1.x") return { family: "go1.x" };
  const printable = JSON.stringify(runtime);
  if (/^(java|dotnet|ruby|python2)/.test(runtime))
    return { notEmulated: `the ${printable} runtime is not emulated (--invoke runs Node.js, Python 3, provided.al2/al2023 and go1.x)` };
  return { notEmulated: `${printable} is not a Lambda runtime --invoke knows (Node.js, Python 3, provided.al2/al2023, go1.x)` };
}

/** The file Lambda writes inline code (`Code.ZipFile`, SAM `InlineCode`) to: index.js for Node.js, index.py for Python. */
export function inlineFileName(family: RuntimeFamily): string | undefined {
  return family === "nodejs" ? "index.js" : family === "python" ? "index.py" : undefined;
}

/** Lambda's default memory size (MB). */
export const LAMBDA_DEFAULT_MEMORY_MB = 128;

/** An example account id (AWS's documentation one): the emulation knows no account. */
export const EMULATED_ACCOUNT = "123456789012";

/** Lambda's reserved environment variables: a function's Environment cannot set them. */
const RESERVED = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);

export interface LambdaEnvInput {
  readonly runtime: string;
  readonly family: RuntimeFamily;
  readonly functionName: string;
  readonly handler: string;
  readonly memoryMb: number;
  readonly region: string;
  /** Where the function's code is (Lambda's /var/task). */
  readonly taskRoot: string;
  /** Where the bootstrap is (Lambda's /var/runtime). */
  readonly runtimeDir: string;
  /** The function's own `Environment.Variables` with a value the template gives (others left out). */
  readonly variables: Readonly<Record<string, string>>;
  /** For the log stream's name: the date (YYYY/MM/DD) and 32 hex digits. */
  readonly logStream: { readonly date: string; readonly hex: string };
}

/**
 * The environment Lambda sets for the function's process (AWS Lambda Developer Guide, "Defined runtime environment
 * variables"), less what the emulation has none of (credentials, X-Ray's daemon): the function's own variables first,
 * Lambda's reserved ones over them. AWS_LAMBDA_RUNTIME_API is added by the Runtime API server, which knows its port.
 */
export function lambdaEnvironment(i: LambdaEnvInput): Record<string, string> {
  const own = Object.fromEntries(Object.entries(i.variables).filter(([k]) => !RESERVED.has(k) && /^[A-Za-z][A-Za-z0-9_]*$/.test(k)));
  return {
    ...own,
    _HANDLER: i.handler,
    AWS_REGION: i.region,
    AWS_DEFAULT_REGION: i.region,
    // Lambda sets it for its managed runtimes, not for OS-only ones.
    ...(i.family === "nodejs" || i.family === "python" || i.family === "go1.x" ? { AWS_EXECUTION_ENV: `AWS_Lambda_${i.runtime}` } : {}),
    AWS_LAMBDA_FUNCTION_NAME: i.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(i.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${i.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${i.logStream.date}/[$LATEST]${i.logStream.hex}`,
    LAMBDA_TASK_ROOT: i.taskRoot,
    LAMBDA_RUNTIME_DIR: i.runtimeDir,
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    PATH: "/usr/local/bin:/usr/bin:/bin",
  };
}

/** The function's ARN as the Runtime API gives it (Lambda-Runtime-Invoked-Function-Arn). */
export function emulatedFunctionArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${EMULATED_ACCOUNT}:function:${functionName}`;
}
