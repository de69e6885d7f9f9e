// The Python bootstrap of `emulate --invoke`: a client of the Runtime API run with the machine's python3, as Lambda's
// own (awslambdaric: bootstrap.py, lambda_context.py) runs a Python function. It imports `module.function` (`_HANDLER`,
// the module's `/` read as `.`) from LAMBDA_TASK_ROOT, reporting a failure to `init/error` as Runtime.ImportModuleError,
// Runtime.HandlerNotFound or Runtime.MalformedHandlerName; asks `invocation/next` for the event; calls the function
// with the event and a context whose get_remaining_time_in_millis, aws_request_id, function_name, function_version,
// invoked_function_arn, memory_limit_in_mb, log_group_name and log_stream_name are Lambda's; posts the result as JSON
// (Runtime.MarshalError when it is not JSON-serializable) or an exception as Lambda's Python runtime does
// ({errorMessage, errorType, requestId, stackTrace}); then asks for the next event (the run ends there). Standard
// library only, and nothing newer than Python 3.8: it runs with whatever python3 the machine has.
export const PYTHON_BOOTSTRAP = String.raw`import importlib
import json
import os
import sys
import time
import traceback
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/"


def call(method, path, body=None, headers=None):
    req = urllib.request.Request(API + path, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=None) as res:
        return res.headers, res.read()


def flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def post(path, document, error_type=None):
    flush()
    headers = {"Content-Type": "application/json"}
    if error_type is not None:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    call("POST", path, json.dumps(document).encode("utf-8"), headers)
    # The run ends while this waits.
    call("GET", "invocation/next")


def error_document(error_type, message, tb=None, request_id=None):
    doc = {"errorMessage": message, "errorType": error_type}
    if request_id is not None:
        doc["requestId"] = request_id
    doc["stackTrace"] = traceback.format_list(traceback.extract_tb(tb)[1:]) if tb is not None else []
    return doc


class LambdaContext(object):
    def __init__(self, request_id, deadline_ms, arn):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = arn
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(round(time.time() * 1000)), 0)


def load_handler(name):
    try:
        module_name, function_name = name.rsplit(".", 1)
    except ValueError as e:
        return None, error_document("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (name, e))
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        return None, error_document("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e))
    except SyntaxError as e:
        return None, error_document("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e))
    except Exception as e:
        return None, error_document(type(e).__name__, str(e), sys.exc_info()[2])
    handler = getattr(module, function_name, None)
    if handler is None:
        return None, error_document("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler, None


def main():
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    sys.path.insert(0, task_root)
    handler, init_error = load_handler(os.environ.get("_HANDLER", ""))
    if init_error is not None:
        post("init/error", init_error, init_error["errorType"])
        return
    headers, body = call("GET", "invocation/next")
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    context = LambdaContext(request_id, int(headers.get("Lambda-Runtime-Deadline-Ms")), headers.get("Lambda-Runtime-Invoked-Function-Arn"))
    path = "invocation/" + request_id + "/"
    try:
        result = handler(json.loads(body.decode("utf-8")), context)
    except Exception as e:
        doc = error_document(type(e).__name__, str(e), sys.exc_info()[2], request_id)
        print("[ERROR] %s: %s" % (doc["errorType"], doc["errorMessage"]), file=sys.stderr)
        post(path + "error", doc, doc["errorType"])
        return
    try:
        payload = json.dumps(result)
    except Exception as e:
        doc = error_document("Runtime.MarshalError", "Unable to marshal response: %s" % e, None, request_id)
        post(path + "error", doc, doc["errorType"])
        return
    flush()
    call("POST", path + "response", payload.encode("utf-8"), {"Content-Type": "application/json"})
    call("GET", "invocation/next")


if __name__ == "__main__":
    main()
`;
