package io.pgflex.contracts.agent;

import java.util.List;

/**
 * One server parameter as the running instance reports it (pg_settings).
 *
 * @param context        when a change takes effect: postmaster = restart; sighup = reload; user/superuser = session
 * @param pendingRestart the configuration files set it to another value that takes effect only at a restart
 *                       (false from an agent that does not report it)
 */
public record ParameterInfo(String name, String value, String unit, String defaultValue, String dataType,
                            String minValue, String maxValue, List<String> allowedValues, String context,
                            String description, boolean pendingRestart) {

    public ParameterInfo(String name, String value, String unit, String defaultValue, String dataType, String minValue,
                         String maxValue, List<String> allowedValues, String context, String description) {
        this(name, value, unit, defaultValue, dataType, minValue, maxValue, allowedValues, context, description, false);
    }
}
