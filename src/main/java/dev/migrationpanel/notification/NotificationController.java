package dev.migrationpanel.notification;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.web.InvalidInputException;

/** {@code /admin/notifications}: the channels told when jobs end, and the delivery log. ADMIN only. */
@Controller
@RequestMapping("/admin/notifications")
@PreAuthorize("hasRole('ADMIN')")
class NotificationController {

    private final NotificationService notifications;
    private final InstanceService instances;

    NotificationController(NotificationService notifications, InstanceService instances) {
        this.notifications = notifications;
        this.instances = instances;
    }

    /** A channel as the page lists it: never its signing secret. */
    record ChannelRow(long id, String name, String kind, String target, String scope, String statuses, boolean enabled,
            String created) {
    }

    record DeliveryRow(long id, String channel, Long jobId, Integer jobAttempt, String event, String state, int attempts,
            String created, String lastAttempt, String nextAttempt, String result) {
    }

    @GetMapping
    String page(Model model) {
        return render(model, ChannelForm.blank(), Map.of());
    }

    @PostMapping
    String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String kind,
            @RequestParam(defaultValue = "") String url, @RequestParam(defaultValue = "") String signingSecret,
            @RequestParam(defaultValue = "") String recipients, @RequestParam(defaultValue = "") String instanceId,
            @RequestParam(required = false) List<String> statuses, Model model, RedirectAttributes redirect,
            HttpServletResponse response) {
        ChannelForm form = new ChannelForm(name, kind, url, signingSecret, recipients, instanceId,
                statuses == null ? List.of() : statuses);
        try {
            NotificationService.Created created = notifications.create(form);
            redirect.addFlashAttribute("flashOk", "Added channel '" + created.channel().getName() + "'");
            if (created.generatedSecret() != null) {
                redirect.addFlashAttribute("generatedSecret", created.generatedSecret());
            }
            return "redirect:/admin/notifications";
        } catch (InvalidInputException refused) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            return render(model, form.withoutSecret(), refused.fieldErrors());
        }
    }

    @PostMapping("/{id}/enable")
    String enable(@PathVariable long id, RedirectAttributes redirect) {
        notifications.setEnabled(id, true);
        redirect.addFlashAttribute("flashOk", "Channel switched on");
        return "redirect:/admin/notifications";
    }

    @PostMapping("/{id}/disable")
    String disable(@PathVariable long id, RedirectAttributes redirect) {
        notifications.setEnabled(id, false);
        redirect.addFlashAttribute("flashOk", "Channel switched off: what it had still to send is given up");
        return "redirect:/admin/notifications";
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long id, RedirectAttributes redirect) {
        notifications.delete(id);
        redirect.addFlashAttribute("flashOk", "Channel removed, with its delivery log");
        return "redirect:/admin/notifications";
    }

    @PostMapping("/{id}/test")
    String test(@PathVariable long id, RedirectAttributes redirect) {
        notifications.sendTest(id);
        redirect.addFlashAttribute("flashOk", "Test message queued: its delivery shows below within seconds");
        return "redirect:/admin/notifications";
    }

    private String render(Model model, ChannelForm form, Map<String, String> errors) {
        Map<Long, String> names = new java.util.HashMap<>();
        instances.list().forEach(i -> names.put(i.getId(), i.getName()));
        model.addAttribute("channels", notifications.list().stream().map(c -> new ChannelRow(c.getId(), c.getName(),
                c.getKind().label(), c.getKind() == ChannelKind.WEBHOOK ? c.getUrl() : c.getRecipients(),
                c.getInstanceId() == null ? "every instance" : names.getOrDefault(c.getInstanceId(), "#" + c.getInstanceId()),
                String.join(", ", c.statuses().stream().map(s -> s.name().toLowerCase()).toList()), c.isEnabled(),
                utc(c.getCreatedAt()) + " by " + c.getCreatedBy())).toList());
        model.addAttribute("deliveries", notifications.deliveries(100).stream().map(d -> new DeliveryRow(d.id(),
                d.channelName(), d.jobId(), d.jobAttempt(), d.event(), d.state().name().toLowerCase(), d.attempts(),
                utc(d.createdAt()), utc(d.lastAttemptAt()), utc(d.nextAttemptAt()), d.lastResult())).toList());
        model.addAttribute("instances", instances.list());
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("outcomes", NotificationService.OUTCOMES.stream().map(Enum::name).toList());
        model.addAttribute("mailConfigured", notifications.mailConfigured());
        return "notification/index";
    }

    private static String utc(Instant at) {
        return NotificationMessage.iso(at);
    }
}
