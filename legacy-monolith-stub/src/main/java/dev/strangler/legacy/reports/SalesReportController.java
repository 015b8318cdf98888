package dev.strangler.legacy.reports;

import java.time.Clock;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SalesReportController {

    private final SalesReportRepository reports;
    private final Clock clock;

    SalesReportController(SalesReportRepository reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    @GetMapping("/api/reports/sales")
    SalesReport sales() {
        return reports.report(clock.instant());
    }
}
