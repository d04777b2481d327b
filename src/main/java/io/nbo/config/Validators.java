package io.nbo.config;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/** A Bean Validation validator for code that runs outside the Quarkus application (CLI, plain tests). */
public final class Validators {

    private static final Validator STANDALONE = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory().getValidator();

    private Validators() {
    }

    public static Validator standalone() {
        return STANDALONE;
    }
}
