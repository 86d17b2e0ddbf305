package dev.astravault.spring.test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** An application with no astra-vault configuration at all: the starter's auto-configuration and nothing else. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {}
