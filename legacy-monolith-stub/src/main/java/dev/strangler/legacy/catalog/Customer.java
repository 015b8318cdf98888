package dev.strangler.legacy.catalog;

public record Customer(long id, String name, String email, String city) {
}
