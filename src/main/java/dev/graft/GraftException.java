package dev.graft; public class GraftException extends RuntimeException { public GraftException(String m){super(m);} public GraftException(String m, Throwable c){super(m,c);} }
