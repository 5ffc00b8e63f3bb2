package io.pgflex.launcher;

import java.util.function.UnaryOperator;

/** Secrets for tests: each named secret's value made from its name; none "exists" yet (nothing to migrate). */
record FakeSecrets(UnaryOperator<String> value) implements LocalStack.Secrets {
    static FakeSecrets of(String prefix) {
        return new FakeSecrets(name -> prefix + name);
    }

    @Override
    public String get(String name) {
        return value.apply(name);
    }

    @Override
    public boolean exists(String name) {
        return false;
    }
}
