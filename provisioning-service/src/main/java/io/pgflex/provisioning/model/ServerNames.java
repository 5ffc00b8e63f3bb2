package io.pgflex.provisioning.model;

import io.pgflex.support.errors.ArmException;
import java.util.regex.Pattern;

/** The rule for a server's name (it becomes a host name): Azure's, checked at create and by checkNameAvailability. */
public final class ServerNames {
    static final Pattern NAME = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$");

    private ServerNames() {
    }

    /** 400 InvalidServerName unless {@code name} is 3 to 63 lowercase letters, digits and inner hyphens. */
    public static void check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ArmException.badRequest("InvalidServerName", "Server name '" + name + "' must be 3 to 63 characters of"
                    + " lowercase letters, digits and hyphens, and must not start or end with a hyphen.", "name");
        }
    }
}
