/**
 * Paths the kubelet's probes and Prometheus call every few seconds. They would drown the
 * requests people make, so they are logged at debug level only and never traced. (No
 * imports: the entry point reads this before tracing is set up.)
 */
export const QUIET_PATH_PREFIXES: readonly string[] = ['/health/', '/metrics'];
