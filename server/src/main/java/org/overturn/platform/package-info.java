@NullMarked
package org.overturn.platform;

import org.jspecify.annotations.NullMarked;
