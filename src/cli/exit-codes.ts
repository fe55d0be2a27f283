/** Exit codes shared by every `lifeboat` command; CI pipelines gate on them. */
export const EXIT_OK = 0;
/** Findings, plan errors or differences: the input was fine but the answer is "no". */
export const EXIT_FINDINGS = 1;
/** Invalid input (file, JSON, spec) or usage. */
export const EXIT_INVALID = 2;
