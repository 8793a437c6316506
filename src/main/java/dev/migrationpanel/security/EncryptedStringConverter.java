package dev.migrationpanel.security;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Keeps an entity's secret attribute encrypted in its column; Hibernate gets it from Spring. */
@Converter
public class EncryptedStringConverter implements AttributeConverter<String, String> {

    private final SecretCipher cipher;

    public EncryptedStringConverter(SecretCipher cipher) {
        this.cipher = cipher;
    }

    @Override
    public String convertToDatabaseColumn(String plain) {
        return cipher.encrypt(plain);
    }

    @Override
    public String convertToEntityAttribute(String stored) {
        return cipher.decrypt(stored);
    }
}
