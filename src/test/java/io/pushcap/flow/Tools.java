package io.pushcap.flow;

import java.io.File;

/** The external judges and peers the flow tests run; a missing one fails the test with what to install. */
public final class Tools {
    private Tools() {
    }

    /** Fails unless {@code command} is on the PATH; {@code debianPackage} says what provides it. */
    public static void require(String command, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) {
                return;
            }
        }
        throw new AssertionError(command + " is not installed: apt-get install -y " + debianPackage
                + " (bin/test installs the test peers)");
    }
}
