package dev.migrationpanel.instance;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.migrationpanel.web.InvalidInputException;

/** The registry's pages: list, create/edit, detail with the check report and the host-key card. */
@Controller
@RequestMapping("/instances")
class InstanceController {

    private final InstanceService instances;
    private final InstanceCheckService checks;
    private final ProductProfiles products;

    InstanceController(InstanceService instances, InstanceCheckService checks, ProductProfiles products) {
        this.instances = instances;
        this.checks = checks;
        this.products = products;
    }

    @ModelAttribute
    void choices(Model model) {
        model.addAttribute("products", products.all());
        model.addAttribute("deploymentTypes", DeploymentType.values());
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("rows", instances.list().stream()
                .map(i -> new Row(i, instances.lastCheck(i.getId()).orElse(null))).toList());
        model.addAttribute("productNames", products.all().stream()
                .collect(java.util.stream.Collectors.toMap(ProductProfile::id, ProductProfile::displayName)));
        return "instance/list";
    }

    record Row(Instance instance, InstanceCheck lastCheck) {
    }

    @GetMapping("/new")
    @PreAuthorize("hasRole('ADMIN')")
    String createForm(Model model) {
        // the registry names no product: the admin chooses one (each shows its usual install path as a hint)
        InstanceForm form = new InstanceForm();
        model.addAttribute("form", form);
        return "instance/form";
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    String create(@ModelAttribute("form") InstanceForm form, BindingResult binding, Model model,
            RedirectAttributes redirect) {
        form.keepSettingsOfChosenProduct();
        if (binding.hasErrors()) {
            return showBindingErrors(form, null, binding, model);
        }
        try {
            Instance created = instances.create(form);
            redirect.addFlashAttribute("flashOk", "Registered " + created.getName()
                    + ". Run a check: the first contact fetches the host key for you to accept.");
            return "redirect:/instances/" + created.getId();
        } catch (InvalidInputException e) {
            return showErrors(e, binding, model);
        }
    }

    @GetMapping("/{id}")
    String detail(@PathVariable long id, Model model) {
        Instance instance = instances.get(id);
        model.addAttribute("instance", instance);
        model.addAttribute("product", products.find(instance.getProduct()).orElse(null));
        model.addAttribute("lastCheck", instances.lastCheck(id).orElse(null));
        model.addAttribute("recentChecks", instances.recentChecks(id));
        return "instance/detail";
    }

    @GetMapping("/{id}/edit")
    @PreAuthorize("hasRole('ADMIN')")
    String editForm(@PathVariable long id, Model model) {
        Instance instance = instances.get(id);
        model.addAttribute("instance", instance);
        model.addAttribute("form", InstanceForm.from(instance));
        return "instance/form";
    }

    @PostMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    String update(@PathVariable long id, @ModelAttribute("form") InstanceForm form, BindingResult binding,
            Model model, RedirectAttributes redirect) {
        model.addAttribute("instance", instances.get(id));
        form.keepSettingsOfChosenProduct();
        if (binding.hasErrors()) {
            return showBindingErrors(form, id, binding, model);
        }
        try {
            Instance updated = instances.update(id, form);
            redirect.addFlashAttribute("flashOk", "Saved " + updated.getName() + ".");
            return "redirect:/instances/" + id;
        } catch (InvalidInputException e) {
            return showErrors(e, binding, model);
        }
    }

    @PostMapping("/{id}/delete")
    @PreAuthorize("hasRole('ADMIN')")
    String delete(@PathVariable long id, RedirectAttributes redirect) {
        String name = instances.get(id).getName();
        instances.delete(id);
        redirect.addFlashAttribute("flashOk", "Deleted " + name + ". Its check history went with it.");
        return "redirect:/instances";
    }

    @PostMapping("/{id}/check")
    @PreAuthorize("hasRole('OPERATOR')")
    String check(@PathVariable long id, RedirectAttributes redirect) {
        InstanceCheck check = checks.check(id);
        redirect.addFlashAttribute(check.getOutcome() == CheckStatus.BLOCKING ? "flashError" : "flashOk",
                "Check finished: " + check.getOutcome());
        return "redirect:/instances/" + id;
    }

    @PostMapping("/{id}/host-key")
    @PreAuthorize("hasRole('ADMIN')")
    String acceptHostKey(@PathVariable long id, @RequestParam(required = false) String fingerprint,
            RedirectAttributes redirect) {
        try {
            Instance instance = instances.acceptHostKey(id, fingerprint);
            redirect.addFlashAttribute("flashOk", "Host key " + instance.getHostKeyFingerprint()
                    + " pinned. Run the check again to look at the instance.");
        } catch (InvalidInputException e) {
            redirect.addFlashAttribute("flashError", e.getMessage());
        }
        return "redirect:/instances/" + id;
    }

    /** A value could not even be bound (letters in a port): show that and every other problem at once. */
    private String showBindingErrors(InstanceForm form, Long id, BindingResult binding, Model model) {
        try {
            instances.validate(form, id);
        } catch (InvalidInputException e) {
            e.fieldErrors().forEach((field, message) -> {
                if (!binding.hasFieldErrors(field)) {
                    binding.rejectValue(field, "invalid", message);
                }
            });
        }
        model.addAttribute("flashError", "Nothing was saved: " + binding.getErrorCount()
                + (binding.getErrorCount() == 1 ? " field needs" : " fields need") + " attention.");
        return "instance/form";
    }

    private static String showErrors(InvalidInputException e, BindingResult binding, Model model) {
        e.fieldErrors().forEach((field, message) -> binding.rejectValue(field, "invalid", message));
        model.addAttribute("flashError", "Nothing was saved: " + e.fieldErrors().size()
                + (e.fieldErrors().size() == 1 ? " field needs" : " fields need") + " attention.");
        return "instance/form";
    }
}
