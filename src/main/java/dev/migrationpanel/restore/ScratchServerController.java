package dev.migrationpanel.restore;

import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.migrationpanel.web.InvalidInputException;

/** ADMIN's page of scratch servers for test-restores: listed (never their password), added, removed. */
@Controller
@RequestMapping("/admin/scratch-servers")
@PreAuthorize("hasRole('ADMIN')")
class ScratchServerController {

    private final ScratchServers servers;

    ScratchServerController(ScratchServers servers) {
        this.servers = servers;
    }

    @GetMapping
    String list(Model model) {
        return page(model, new ScratchServers.Form("", "mysql", "", "", "", ""), Map.of());
    }

    @PostMapping
    String create(ScratchServers.Form form, Model model, HttpServletResponse response, RedirectAttributes redirect) {
        try {
            ScratchServer created = servers.create(form);
            redirect.addFlashAttribute("flashOk", "Added the scratch server " + created.getName() + ".");
            return "redirect:/admin/scratch-servers";
        } catch (InvalidInputException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            return page(model, new ScratchServers.Form(form.name(), form.vendor(), form.host(), form.port(),
                    form.username(), ""), e.fieldErrors());
        }
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long id, RedirectAttributes redirect) {
        String name = servers.get(id).getName();
        servers.delete(id);
        redirect.addFlashAttribute("flashOk", "Removed the scratch server " + name + ".");
        return "redirect:/admin/scratch-servers";
    }

    private String page(Model model, ScratchServers.Form form, Map<String, String> errors) {
        model.addAttribute("servers", servers.list());
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        return "restore/scratch-servers";
    }
}
