package dev.migrationpanel.instance;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

/** The products the panel knows, one {@link ProductProfile} bean each. */
@Component
public class ProductProfiles {

    private final List<ProductProfile> profiles;

    ProductProfiles(List<ProductProfile> profiles) {
        this.profiles = List.copyOf(profiles);
    }

    public List<ProductProfile> all() {
        return profiles;
    }

    public Optional<ProductProfile> find(String id) {
        return profiles.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public ProductProfile get(String id) {
        return find(id).orElseThrow(() -> new IllegalStateException("No product profile '" + id + "' is installed"));
    }

    public List<String> ids() {
        return profiles.stream().map(ProductProfile::id).toList();
    }
}
