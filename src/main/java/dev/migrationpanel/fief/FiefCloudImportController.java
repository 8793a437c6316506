package dev.migrationpanel.fief;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowReviewPage;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The Fief Cloud import's page: the exporter's dump uploaded (an ADMIN) with the admin's e-mail, then the plan for
 * review. The upload's checks are {@link FiefCloudExport}'s, the plan {@link FiefCloudImportFlow}'s.
 */
@Controller
@RequestMapping("/instances/{id}/fief/cloud-import")
class FiefCloudImportController {

    private final InstanceService instances;
    private final FiefCloudExport exports;
    private final FiefCloudImportFlow flow;
    private final FlowReviewPage reviews;

    FiefCloudImportController(InstanceService instances, FiefCloudExport exports, FiefCloudImportFlow flow,
            FlowReviewPage reviews) {
        this.instances = instances;
        this.exports = exports;
        this.flow = flow;
        this.reviews = reviews;
    }

    @GetMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String start(@PathVariable long id, Model model) {
        return page(instances.get(id), "", Map.of(), model);
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    String upload(@PathVariable long id, @RequestParam(required = false) MultipartFile dump,
            @RequestParam(defaultValue = "") String adminEmail, Authentication who, Model model) {
        Instance instance = instances.get(id);
        Map<String, String> errors = new LinkedHashMap<>();
        if (!FiefPreflight.EMAIL.matcher(adminEmail.trim()).matches()) {
            errors.put("adminEmail", "The e-mail of the account to make admin (a user of the export's default tenant)");
        }
        if (dump == null || dump.isEmpty()) {
            errors.put("dump", "Choose the export file the Fief Cloud exporter downloaded");
        }
        if (!errors.isEmpty()) {
            return page(instance, adminEmail, errors, model);
        }
        String stored;
        try (InputStream in = dump.getInputStream()) {
            stored = exports.store(instance, in, who);
        } catch (InvalidInputException e) {
            return page(instance, adminEmail, e.fieldErrors(), model);
        } catch (IOException e) {
            return page(instance, adminEmail, Map.of("dump", "The upload could not be read"), model);
        }
        return reviews.review(id, FiefCloudImportFlow.ID, Map.of("dump", stored, "adminEmail", adminEmail.trim()), model);
    }

    private String page(Instance instance, String adminEmail, Map<String, String> errors, Model model) {
        model.addAttribute("instance", instance);
        model.addAttribute("flow", flow);
        model.addAttribute("adminEmail", adminEmail);
        model.addAttribute("errors", errors);
        return "fief/cloud-import";
    }
}
