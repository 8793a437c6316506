package dev.migrationpanel.dashboard;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.migrationpanel.instance.ProductProfiles;

/**
 * The fleet's overview at {@code /}: every instance with its version, last check, last backup and jobs, and the
 * counts of running, waiting and recently failed jobs. The page polls {@code /dashboard/fleet} (the same table as
 * a fragment) to stay live without a reload.
 */
@Controller
class DashboardController {

    private final Dashboard dashboard;
    private final ProductProfiles products;

    DashboardController(Dashboard dashboard, ProductProfiles products) {
        this.dashboard = dashboard;
        this.products = products;
    }

    @GetMapping("/")
    String page(@RequestParam(required = false) String product, @RequestParam(required = false) String environment,
            @RequestParam(defaultValue = "0") String page, Model model) {
        model.addAttribute("fleet", dashboard.read(product, environment, page(page)));
        model.addAttribute("productProfiles", products.all());
        return "dashboard/index";
    }

    @GetMapping("/dashboard/fleet")
    String fleet(@RequestParam(required = false) String product, @RequestParam(required = false) String environment,
            @RequestParam(defaultValue = "0") String page, Model model) {
        model.addAttribute("fleet", dashboard.read(product, environment, page(page)));
        return "dashboard/index :: fleet";
    }

    private static int page(String page) {
        if (!page.matches("\\d{1,6}")) {
            throw dev.migrationpanel.web.InvalidInputException.of("page", "page is a number from 0");
        }
        return Integer.parseInt(page);
    }
}
