package io.pgflex.contracts.agent;

import java.util.List;

/**
 * One server parameter as the running instance reports it (pg_settings).
 *
 * @param context  when a change takes effect: postmaster = restart; sighup = reload; user/superuser = session
 */
public record ParameterInfo(String name, String value, String unit, String defaultValue, String dataType,
                            String minValue, String maxValue, List<String> allowedValues, String context,
                            String description) {
}
