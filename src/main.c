/*
 * main.c - todod: configuration, start-up order, signals, shutdown in
 * reverse. Everything else lives in libtodod, which the tests link too.
 */
#include "todod.h"

int main(int argc, char **argv)
{
	return todod_main(argc, argv);
}
