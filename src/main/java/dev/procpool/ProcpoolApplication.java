package dev.procpool;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ProcpoolApplication {

    public static void main(String[] args) {
        SpringApplication.run(ProcpoolApplication.class, args);
    }
}
