"""The gRPC face of the gateway: conversion, error mapping, servicers and the server."""
