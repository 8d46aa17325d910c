package io.pushcap.config;

/**
 * Runs a configuration script and hands back what it returned ({@link EvaluatedScript}).
 * {@link #bounded()} is what every command uses: a child JVM with a wall-clock and a memory
 * budget ({@link ChildEvaluator}). {@link #inProcess} runs the {@link LuaSandbox} in this JVM,
 * bounded only by its instruction count: for the child itself and for unit tests of validation.
 *
 * <p><b>Note:</b> implementations are thread-safe; each evaluation uses its own sandbox.
 */
public interface ScriptEvaluator {
    /**
     * @param name   the file name messages use
     * @param source the script's bytes
     * @throws ConfigException the script does not compile, fails, or exceeds a limit; the message
     *                         names the file (and the line or the limit)
     */
    EvaluatedScript evaluate(String name, byte[] source);

    /** A child JVM per evaluation, with the budgets of {@link EvalBudget#fromEnvironment()}. */
    static ScriptEvaluator bounded() {
        return new ChildEvaluator(EvalBudget.fromEnvironment());
    }

    /** This JVM, bounded only by {@code instructionLimit} Lua instructions (not time in library functions, not memory). */
    static ScriptEvaluator inProcess(long instructionLimit) {
        return (name, source) -> {
            LuaSandbox sandbox = new LuaSandbox(instructionLimit, System.err);
            return sandbox.evaluate(name, source);
        };
    }
}
