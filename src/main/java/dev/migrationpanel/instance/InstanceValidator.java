package dev.migrationpanel.instance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.stereotype.Component;

import dev.migrationpanel.remote.PrivateKeyCheck;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The server-side rules of an instance form, for pages and API alike: the field constraints of
 * {@link InstanceForm} plus the rules that span fields or need the registry.
 */
@Component
class InstanceValidator {

    private final Validator beanValidator;
    private final InstanceRepository instances;
    private final ProductProfiles products;

    InstanceValidator(Validator beanValidator, InstanceRepository instances, ProductProfiles products) {
        this.beanValidator = beanValidator;
        this.instances = instances;
        this.products = products;
    }

    /**
     * @param existing the stored instance on an edit (its secrets count as given), or null on create
     * @throws InvalidInputException with one message per offending field
     */
    void validate(InstanceForm form, Instance existing) {
        Map<String, String> errors = new LinkedHashMap<>();
        Set<ConstraintViolation<InstanceForm>> violations = beanValidator.validate(form);
        for (ConstraintViolation<InstanceForm> v : violations) {
            errors.putIfAbsent(v.getPropertyPath().toString(), v.getMessage());
        }

        if (form.getProduct() != null && !form.getProduct().isBlank() && products.find(form.getProduct()).isEmpty()) {
            errors.putIfAbsent("product", "Unknown product '" + form.getProduct() + "'; supported: " + products.ids());
        }
        if (form.getName() != null && !form.getName().isBlank()) {
            instances.findByNameIgnoreCase(form.getName().trim())
                    .filter(other -> existing == null || !other.getId().equals(existing.getId()))
                    .ifPresent(other -> errors.putIfAbsent("name", "Another instance is already called '" + other.getName() + "'"));
        }
        for (String moved : form.movedFieldsGiven()) {
            errors.putIfAbsent(moved, "'" + moved + "' is now a product setting: send it as productSettings."
                    + moved);
        }
        checkProductSettings(form, errors);
        pathProblem(form.getInstallPath()).ifPresent(p -> errors.putIfAbsent("installPath", "Install path: " + p));
        if (!blank(form.getDbSqlitePath())) {
            pathProblem(form.getDbSqlitePath()).ifPresent(p -> errors.putIfAbsent("dbSqlitePath", "SQLite path: " + p));
        }
        checkSshSecrets(form, existing, errors);
        checkDeployment(form, errors);
        // text an admin types may end up in a command: it never carries a secret reference, which the job engine
        // would fill in (a restart command `echo {{secret:ssh.password}}` would print the password)
        Map<String, String> commandText = new java.util.LinkedHashMap<>();
        commandText.put("installPath", form.getInstallPath());
        commandText.put("dbSqlitePath", form.getDbSqlitePath());
        commandText.put("containerName", form.getContainerName());
        commandText.put("k8sNamespace", form.getK8sNamespace());
        commandText.put("k8sPod", form.getK8sPod());
        commandText.put("dbHost", form.getDbHost());
        commandText.put("dbDatabase", form.getDbDatabase());
        commandText.put("dbUsername", form.getDbUsername());
        commandText.forEach((field, value) -> {
            if (dev.migrationpanel.remote.SecretRefs.mentions(value)) {
                errors.putIfAbsent(field, "'{{…}}' is not allowed here: secret references are the panel's own");
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    /** Only the chosen product's settings, each as that setting allows. */
    private void checkProductSettings(InstanceForm form, Map<String, String> errors) {
        if (products.find(form.getProduct()).isEmpty()) {
            return; // the product is refused: its settings cannot be told apart (nor its name echoed back)
        }
        java.util.List<ProductSetting> settings = products.find(form.getProduct()).map(ProductProfile::settings)
                .orElse(java.util.List.of());
        form.getProductSettings().forEach((name, value) -> {
            java.util.Optional<ProductSetting> setting = settings.stream().filter(s -> s.name().equals(name)).findFirst();
            if (setting.isEmpty()) {
                if (value != null && !value.isBlank()) {
                    errors.putIfAbsent("productSettings", "'" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
                            + "' is not a setting of " + form.getProduct());
                }
                return;
            }
            setting.get().problem(value).ifPresent(p -> errors.putIfAbsent("productSettings[" + name + "]", p));
        });
        products.find(form.getProduct()).ifPresent(product -> product.settingProblems(form.getProductSettings())
                .forEach((name, p) -> errors.putIfAbsent("productSettings[" + name + "]", p)));
    }

    private void checkSshSecrets(InstanceForm form, Instance existing, Map<String, String> errors) {
        if (form.getSshAuth() == SshAuthMethod.PASSWORD) {
            boolean stored = existing != null && existing.getSshPassword() != null;
            if (blank(form.getSshPassword()) && !stored) {
                errors.putIfAbsent("sshPassword", "Give the SSH password");
            }
        } else if (form.getSshAuth() == SshAuthMethod.PRIVATE_KEY) {
            boolean newKey = !blank(form.getSshPrivateKey());
            boolean storedKey = existing != null && existing.getSshPrivateKey() != null;
            if (!newKey && !storedKey) {
                errors.putIfAbsent("sshPrivateKey", "Paste the private key the panel logs in with");
                return;
            }
            String key = newKey ? form.getSshPrivateKey() : existing.getSshPrivateKey();
            String passphrase = form.passphraseFor(existing);
            PrivateKeyCheck.problem(key, passphrase).ifPresent(problem -> errors.putIfAbsent(
                    problem.contains("passphrase") ? "sshPassphrase" : "sshPrivateKey", problem));
        }
    }

    private static void checkDeployment(InstanceForm form, Map<String, String> errors) {
        if (form.getDeploymentType() == DeploymentType.DOCKER && blank(form.getContainerName())) {
            errors.putIfAbsent("containerName", "Give the Docker container's name or id");
        }
        if (form.getDeploymentType() == DeploymentType.KUBERNETES) {
            if (blank(form.getK8sNamespace())) {
                errors.putIfAbsent("k8sNamespace", "Give the pod's namespace");
            }
            if (blank(form.getK8sPod())) {
                errors.putIfAbsent("k8sPod", "Give the pod's name");
            }
        }
    }

    private static final java.util.regex.Pattern PATH_ODD_CHARACTER =
            java.util.regex.Pattern.compile("[^\\p{L}\\p{N}/._\\-+@,=~: ]");

    /** An absolute path on the instance, without tricks: the panel will cd into it, copy and delete beside it. */
    static java.util.Optional<String> pathProblem(String path) {
        if (path == null || path.isBlank()) {
            return java.util.Optional.empty(); // "required" is reported by the field constraint
        }
        if (!path.startsWith("/")) {
            return java.util.Optional.of("must be absolute (start with /)");
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return java.util.Optional.of("must not hold control characters or line breaks");
        }
        if (path.matches("/+")) {
            return java.util.Optional.of("must not be the root directory");
        }
        java.util.regex.Matcher odd = PATH_ODD_CHARACTER.matcher(path);
        if (odd.find()) {
            // quoting would keep such a path harmless, but no real install path holds shell syntax: it is a mistake
            return java.util.Optional.of("must hold only letters, digits, spaces and / . _ - + @ , = ~ : (found '"
                    + odd.group() + "')");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return java.util.Optional.of("must not hold . or .. segments");
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
